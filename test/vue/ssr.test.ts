// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { createSSRApp, defineComponent, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { SessionManager } from '../../src';
import { sessionPlugin, useSession } from '../../src/vue';
import { jwt } from '../jwt';

const permissions = { editor: ['posts:edit'] };

describe('sessionwarden/vue on the server', () => {
  it('installs without starting the manager, renders the snapshot, and hides v-can elements in the HTML', async () => {
    expect(typeof document).toBe('undefined');
    const manager = new SessionManager({ token: jwt({ role: 'viewer' }), permissions });
    const Page = defineComponent({
      setup() {
        const { snapshot } = useSession();
        return { snapshot };
      },
      template: `<main><p>{{ snapshot.state }}</p><button v-can="'posts:edit'">edit</button><a v-can="'x'" style="color:red">x</a></main>`,
    });
    const subscribe = vi.spyOn(manager, 'subscribe');
    const app = createSSRApp(Page).use(sessionPlugin, manager);
    const html = await renderToString(app);
    expect(manager.state).toBe('stopped');
    expect(subscribe).not.toHaveBeenCalled(); // nothing changes during a server render, and nothing would unsubscribe
    expect(html).toBe('<main><p>stopped</p><button style="display:none;">edit</button><a style="color:red;display:none;">x</a></main>');
    manager.setToken(jwt({ role: 'editor' }));
    expect(await renderToString(createSSRApp(Page).use(sessionPlugin, manager))).toContain('<button>edit</button>');
  });

  it('creates its own manager from options on the server too', async () => {
    const app = createSSRApp({
      setup() {
        const { snapshot } = useSession();
        return () => h('p', snapshot.value.state);
      },
    }).use(sessionPlugin, {});
    expect(await renderToString(app)).toBe('<p>stopped</p>');
  });
});
