// An unsigned token for this page alone (the client never checks signatures; a server always must).
const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
export const token = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'ed', roles: ['editor'] })}.x`;
