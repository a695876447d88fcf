/** The CSP hash source of the sandbox frame's boot script, computed at build time (vite.config.ts). */
declare const __CELL_FRAME_HASH__: string;
