import { describe, expect, it, vi } from 'vitest';
import { chooseBackend, wasmThreadOptions, type BackendProbe } from '../../src/worker/chooseBackend';
import { allowWasmThreads } from '../../src/worker/tfjsInternals';
import type { BackendName } from '../../src/worker/protocol';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const LLVMPIPE = 'llvmpipe (LLVM 15.0.6, 256 bits)';
const GPU = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)';

type Key = BackendName | 'wasm1' | 'wasm2';

/**
 * A browser described by facts: its WebGL renderer, its WebGPU adapter, the thread counts wasm
 * may use, which backends fail to start, and how fast each one runs (wasm per thread count).
 */
function browser(
  renderer: string | null,
  facts: { gpu?: { description: string; software: boolean }; threads?: number[]; failing?: BackendName[]; ms?: Partial<Record<Key, number>> } = {},
) {
  const log: string[] = [];
  let active: string | null = null;
  const probe: BackendProbe = {
    renderer: () => renderer,
    webgpu: async () => facts.gpu ?? null,
    wasmThreads: () => facts.threads ?? [1],
    start: async (name, threads = 1) => {
      const key = name === 'wasm' ? `wasm${threads}` : name;
      log.push(`start ${key}`);
      if (facts.failing?.includes(name)) throw new Error(`${name} is broken here`);
      active = key;
    },
    measure: async () => {
      log.push(`measure ${active}`);
      return facts.ms?.[active as Key] ?? 10;
    },
  };
  return { probe, log, active: () => active };
}

describe('the automatic backend choice', () => {
  for (const renderer of [SWIFTSHADER, LLVMPIPE]) {
    it(`uses wasm where WebGL is drawn in software (${renderer.slice(0, 24)}…), without starting WebGL, and says so plainly`, async () => {
      const b = browser(renderer);
      const info = await chooseBackend('auto', b.probe);
      expect(info).toMatchObject({ name: 'wasm', threads: 1, renderer, failed: [] });
      expect(info.reason).toMatch(/^Your browser draws graphics in software here, so training uses WebAssembly, about 9× faster/);
      expect(b.log).toEqual(['start wasm1', 'measure wasm1']);
    });
  }

  it('measures wasm with one thread and with several where the page allows threads, and keeps the faster', async () => {
    const twoFaster = browser(SWIFTSHADER, { threads: [1, 2], ms: { wasm1: 18, wasm2: 11 } });
    const info = await chooseBackend('auto', twoFaster.probe);
    expect(info).toMatchObject({ name: 'wasm', threads: 2, measured: [{ backend: 'WebAssembly with 1 thread', ms: 18 }, { backend: 'WebAssembly with 2 threads', ms: 11 }] });
    expect(info.reason).toMatch(/per test batch: WebAssembly with 1 thread 18\.0 ms, WebAssembly with 2 threads 11\.0 ms; so it uses WebAssembly with 2 threads\./);
    expect(twoFaster.log).toEqual(['start wasm1', 'measure wasm1', 'start wasm2', 'measure wasm2']);

    const oneFaster = browser(SWIFTSHADER, { threads: [1, 2], ms: { wasm1: 9, wasm2: 12 } });
    expect(await chooseBackend('auto', oneFaster.probe)).toMatchObject({ name: 'wasm', threads: 1 });
    // The thread pool is fixed when wasm starts: going back to one thread restarts it.
    expect(oneFaster.log.at(-1)).toBe('start wasm1');
    expect(oneFaster.active()).toBe('wasm1');
  });

  it('uses wasm where there is no WebGL 2 or WebGPU at all', async () => {
    const b = browser(null);
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'wasm', failed: [] });
    expect(info.renderer).toBeUndefined();
    expect(b.log).toEqual(['start wasm1', 'measure wasm1']);
  });

  it('on a real GPU measures WebGPU, WebGL and wasm, and keeps the fastest, starting it again', async () => {
    const b = browser(GPU, { gpu: { description: 'nvidia ampere', software: false }, ms: { webgpu: 1.5, webgl: 2, wasm1: 9 } });
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'webgpu', renderer: GPU, gpu: 'nvidia ampere', failed: [] });
    expect(info.reason).toMatch(/per test batch: WebGPU 1\.5 ms, WebGL 2\.0 ms, WebAssembly with 1 thread 9\.0 ms; so it uses WebGPU\./);
    expect(b.log).toEqual(['start webgpu', 'measure webgpu', 'start webgl', 'measure webgl', 'start wasm1', 'measure wasm1', 'start webgpu']);
    expect(b.active()).toBe('webgpu');
  });

  it('does not try a WebGPU adapter drawn in software, and says why', async () => {
    const b = browser(SWIFTSHADER, { gpu: { description: 'google swiftshader', software: true } });
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'wasm', gpu: 'google swiftshader' });
    expect(info.reason).toMatch(/^Your browser draws graphics in software here, so training uses WebAssembly/);
    expect(b.log).not.toContain('start webgpu');
  });

  it('on a real GPU keeps wasm when wasm measured faster', async () => {
    const b = browser(GPU, { ms: { webgl: 12, wasm1: 4 } });
    const info = await chooseBackend('auto', b.probe);
    expect(info).toMatchObject({ name: 'wasm', renderer: GPU });
    expect(info.reason).toMatch(/per test batch: WebGL 12\.0 ms, WebAssembly with 1 thread 4\.0 ms; so it uses WebAssembly with 1 thread/);
    expect(b.active()).toBe('wasm1');
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
    expect(await chooseBackend('webgl', b.probe)).toMatchObject({ name: 'webgl', renderer: SWIFTSHADER, reason: 'You chose WebGL.' });
    expect(b.log).toEqual(['start webgl']);
    expect(await chooseBackend('cpu', browser(GPU).probe)).toMatchObject({ name: 'cpu', renderer: undefined });
    expect(await chooseBackend('webgpu', browser(GPU).probe)).toMatchObject({ name: 'webgpu', reason: 'You chose WebGPU.' });
  });

  it('wasm still gets the faster thread count', async () => {
    const b = browser(GPU, { threads: [1, 2], ms: { wasm1: 20, wasm2: 10 } });
    expect(await chooseBackend('wasm', b.probe)).toMatchObject({ name: 'wasm', threads: 2, reason: expect.stringMatching(/^You chose WebAssembly\. Measured/) });
  });

  it('falls back to wasm, then cpu, when it will not start', async () => {
    const b = browser(GPU, { failing: ['webgl'] });
    expect(await chooseBackend('webgl', b.probe)).toMatchObject({ name: 'wasm', reason: 'WebGL failed to start, so Gradient Lab fell back to WebAssembly.', failed: [{ name: 'webgl' }] });
    const c = browser(GPU, { failing: ['wasm'] });
    expect(await chooseBackend('wasm', c.probe)).toMatchObject({ name: 'cpu', failed: [{ name: 'wasm' }] });
    expect(c.log).toEqual(['start wasm1', 'start cpu']);
    await expect(chooseBackend('cpu', browser(null, { failing: ['cpu', 'wasm'] }).probe)).rejects.toThrow(/No backend could start: cpu: .*; wasm: /);
  });
});

describe('wasm threads on a machine with few cores', () => {
  // The options offered come from the cores passed in (read or measured before the override), so the override cannot change them.
  it('lets tfjs’s thread pool (capped at half the reported cores) have the threads asked for', () => {
    // A 2-core machine's navigator, as a worker sees it.
    const nav = { hardwareConcurrency: 2 };
    vi.stubGlobal('navigator', nav);
    try {
      allowWasmThreads(2);
      // tfjs computes min(asked, reported / 2): two threads need four reported cores.
      expect(Math.floor(nav.hardwareConcurrency / 2)).toBeGreaterThanOrEqual(2);
      allowWasmThreads(3);
      expect(Math.floor(nav.hardwareConcurrency / 2)).toBeGreaterThanOrEqual(3);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('wasm threads and the page', () => {
  it('never asks for every core: the page keeps one to draw on while the worker trains', () => {
    expect(wasmThreadOptions(1, true)).toEqual([1]);
    expect(wasmThreadOptions(2, true)).toEqual([1]);
    expect(wasmThreadOptions(4, true)).toEqual([1, 3]);
    expect(wasmThreadOptions(16, true)).toEqual([1, 4]);
    expect(wasmThreadOptions(16, false)).toEqual([1]);
  });
});
