import { describe, expect, it } from 'vitest';
import { chooseBackend, type BackendProbe } from '../../src/worker/backends';
import type { BackendName } from '../../src/worker/protocol';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const LLVMPIPE = 'llvmpipe (LLVM 15.0.6, 256 bits)';
const GPU = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)';

/** A browser described by facts: its renderer, which backends fail to start, how fast each one runs. */
function browser(renderer: string | null, facts: { failing?: BackendName[]; ms?: Partial<Record<BackendName, number>> } = {}) {
  const log: string[] = [];
  let active: BackendName | null = null;
  const probe: BackendProbe = {
    renderer: () => renderer,
    start: async (name) => {
      log.push(`start ${name}`);
      if (facts.failing?.includes(name)) throw new Error(`${name} is broken here`);
      active = name;
    },
    measure: async () => {
      log.push(`measure ${active}`);
      return facts.ms?.[active!] ?? 10;
    },
  };
  return { probe, log, active: () => active };
}

describe('the automatic backend choice', () => {
  for (const renderer of [SWIFTSHADER, LLVMPIPE]) {
    it(`uses wasm where WebGL is drawn in software (${renderer.slice(0, 24)}…), without starting WebGL`, async () => {
      const b = browser(renderer);
      const info = await chooseBackend('auto', b.probe);
      expect(info).toMatchObject({ name: 'wasm', renderer, failed: [] });
      expect(info.reason).toBe('Your browser draws graphics in software here, so training uses WebAssembly, about 9× faster.');
      expect(b.log).toEqual(['start wasm']);
    });
  }

  it('uses wasm where there is no WebGL 2 at all', async () => {
    const b = browser(null);
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'wasm', failed: [], reason: expect.stringMatching(/not available/) });
    expect(info.renderer).toBeUndefined();
    expect(b.log).toEqual(['start wasm']);
  });

  it('on a real GPU measures both and keeps WebGL when it is faster, switching back to it', async () => {
    const b = browser(GPU, { ms: { webgl: 2, wasm: 9 } });
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'webgl', renderer: GPU, failed: [] });
    expect(info.reason).toMatch(/measured fastest/);
    expect(b.log).toEqual(['start webgl', 'measure webgl', 'start wasm', 'measure wasm', 'start webgl']);
    expect(b.active()).toBe('webgl');
  });

  it('on a real GPU keeps wasm when wasm measured faster', async () => {
    const b = browser(GPU, { ms: { webgl: 12, wasm: 4 } });
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'wasm', renderer: GPU });
    expect(info.reason).toBe('Measured: wasm (4.0 ms) beat your GPU through WebGL (12.0 ms).');
    expect(b.active()).toBe('wasm');
  });

  it('falls back when a backend will not start, and says which failed and why', async () => {
    const gpuWithoutWasm = browser(GPU, { failing: ['wasm'] });
    expect(await chooseBackend('auto', gpuWithoutWasm.probe)).toMatchObject({ name: 'webgl', failed: [{ name: 'wasm', error: 'wasm is broken here' }] });
    expect(gpuWithoutWasm.active()).toBe('webgl');

    const brokenWebgl = browser(GPU, { failing: ['webgl'] });
    expect(await chooseBackend('auto', brokenWebgl.probe)).toMatchObject({ name: 'wasm', failed: [{ name: 'webgl', error: 'webgl is broken here' }] });

    const onlyCpu = browser(SWIFTSHADER, { failing: ['wasm'] });
    const info = await chooseBackend('auto', onlyCpu.probe);
    expect(info).toMatchObject({ name: 'cpu', failed: [{ name: 'wasm' }] });
    expect(info.reason).toMatch(/plain JavaScript/);

    await expect(chooseBackend('auto', browser(GPU, { failing: ['webgl', 'wasm', 'cpu'] }).probe)).rejects.toThrow(
      'No backend could start: webgl: webgl is broken here; wasm: wasm is broken here; cpu: cpu is broken here',
    );
  });
});

describe('a backend the learner chose', () => {
  it('is used as chosen, even WebGL drawn in software, without measuring', async () => {
    const b = browser(SWIFTSHADER);
    expect(await chooseBackend('webgl', b.probe)).toMatchObject({ name: 'webgl', renderer: SWIFTSHADER, reason: 'You chose this backend.' });
    expect(b.log).toEqual(['start webgl']);
    expect(await chooseBackend('cpu', browser(GPU).probe)).toMatchObject({ name: 'cpu', renderer: undefined });
  });

  it('falls back to wasm, then cpu, when it will not start', async () => {
    const b = browser(GPU, { failing: ['webgl'] });
    expect(await chooseBackend('webgl', b.probe)).toMatchObject({ name: 'wasm', reason: 'webgl failed to start, so Gradient Lab fell back to wasm.', failed: [{ name: 'webgl' }] });
    const c = browser(GPU, { failing: ['wasm'] });
    expect(await chooseBackend('wasm', c.probe)).toMatchObject({ name: 'cpu', failed: [{ name: 'wasm' }] });
    expect(c.log).toEqual(['start wasm', 'start cpu']);
    await expect(chooseBackend('cpu', browser(null, { failing: ['cpu', 'wasm'] }).probe)).rejects.toThrow(/No backend could start: cpu: .*; wasm: /);
  });
});
