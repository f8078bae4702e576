import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// No compilerOptions.isCustomElement: <WarningDialog> renders the element without the template compiler.
export default defineConfig({ plugins: [vue()] });
