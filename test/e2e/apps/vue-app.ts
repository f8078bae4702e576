// Vue: the plugin starts the session inside app.use(), before any component; the app mounts (now, or
// after loading what it needs), the layout listens for the end at mount, and the page's component
// renders after a microtask (as vue-router's first route).
import { createApp, defineComponent, h, onMounted, ref } from 'vue';
import { sessionPlugin, useSession, useSessionEvent } from 'sessionwarden/vue';
import { heard, later, session } from './app-options';

const OnEnd = defineComponent({
  props: { name: { type: String, required: true } },
  setup(props) {
    useSessionEvent('expired', ({ reason }) => heard(props.name, reason));
    return () => null;
  },
});
const Layout = defineComponent({
  setup() {
    const { snapshot } = useSession();
    const routed = ref(false);
    onMounted(() => void Promise.resolve().then(() => (routed.value = true)));
    return () => [h(OnEnd, { name: 'layout' }), routed.value ? h(OnEnd, { name: 'page' }) : null, h('p', { id: 'state' }, snapshot.value.state)];
  },
});

const app = createApp(Layout).use(sessionPlugin, session);
later(() => app.mount('#app'));
