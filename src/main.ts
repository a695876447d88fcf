import { mount } from 'svelte';
import './app/theme.css';
import './app/app.css';
import App from './app/App.svelte';
import { lessonLibrary } from './app/lessons';
import { ProgressStore } from './app/progress.svelte';
import { browserStorage } from './shared/storage';
import { Router } from './app/Router.svelte';
import { ThemeState, systemScheme } from './app/ThemeState.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('index.html must contain <div id="app">');

const app = mount(App, {
  target,
  props: {
    library: lessonLibrary,
    progress: new ProgressStore(browserStorage()),
    router: new Router(window),
    theme: new ThemeState(document.documentElement, browserStorage(), systemScheme()),
  },
});

export default app;
