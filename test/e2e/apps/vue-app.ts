// Vue: the plugin starts the session inside app.use(), before any component; the layout listens for
// the end at mount, the page's component renders after a microtask (as vue-router's first route).
import { createApp, defineComponent, h, onMounted, ref } from 'vue';
import { sessionPlugin, useSession, useSessionEvent } from 'sessionwarden/vue';
import { appOptions, expose, heard } from './app-options';

const OnEnd = defineComponent({
  props: { name: { type: String, required: true } },
  setup(props) {
    useSessionEvent('expired', ({ reason }) => heard(props.name, reason));
    return () => null;
  },
});
const Layout = defineComponent({
  setup() {
    const { snapshot, manager } = useSession();
    expose(manager);
    const routed = ref(false);
    onMounted(() => void Promise.resolve().then(() => (routed.value = true)));
    return () => [h(OnEnd, { name: 'layout' }), routed.value ? h(OnEnd, { name: 'page' }) : null, h('p', { id: 'state' }, snapshot.value.state)];
  },
});

createApp(Layout).use(sessionPlugin, appOptions()).mount('#app');
