import { createApp } from 'vue';
import { sessionPlugin } from 'sessionwarden/vue';
import App from './App.vue';
import { token } from './token';

createApp(App)
  .use(sessionPlugin, {
    idleTimeout: 60_000,
    warnBefore: 20_000,
    token,
    permissions: { editor: ['posts:edit'], admin: ['users:delete'] },
  })
  .mount('#app');
