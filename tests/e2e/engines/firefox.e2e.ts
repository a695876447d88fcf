// The app in Firefox ESR, driven over WebDriver BiDi (see firefox.ts).
import { engineSuite } from './engineSuite';
import { FirefoxDriver } from './firefox';

engineSuite({ title: 'Firefox ESR', readsConsole: true, launch: (appOrigin) => FirefoxDriver.launch(appOrigin) });
