// The app in WebKitGTK's MiniBrowser, driven over classic WebDriver on an Xvfb display (see webkit.ts).
import { engineSuite } from './engineSuite';
import { WebKitDriver } from './webkit';

engineSuite({ title: 'WebKitGTK', readsConsole: false, launch: () => WebKitDriver.launch() });
