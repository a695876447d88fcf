import { EditorState } from '@codemirror/state';
import { EditorView, keymap, type KeyBinding } from '@codemirror/view';
import { describe, expect, it, vi } from 'vitest';
import { editorExtensions, editorSettings, settingsExtension } from '../../../src/widgets/cells/editorSetup';

function stateWith(options: Parameters<typeof editorExtensions>[0], doc = 'let w = 0;'): EditorState {
  return EditorState.create({ doc, extensions: editorExtensions(options) });
}

/** Every key binding of the state, in precedence order. */
function bindings(state: EditorState): KeyBinding[] {
  return state.facet(keymap).flat();
}

describe('editorExtensions', () => {
  it('runs the cell on Mod-Enter, before any other binding of that key, and claims the key', () => {
    const onrun = vi.fn();
    const state = stateWith({ label: 'Code', onrun });
    const first = bindings(state).find((binding) => binding.key === 'Mod-Enter');
    expect(first?.run?.({} as EditorView)).toBe(true);
    expect(onrun).toHaveBeenCalledTimes(1);
  });

  it('claims Mod-Enter even without an onrun (no blank line inserted)', () => {
    const first = bindings(stateWith({ label: 'Code' })).find((binding) => binding.key === 'Mod-Enter');
    expect(first?.run?.({} as EditorView)).toBe(true);
  });

  it('leaves Tab to the browser, so keyboard users can leave the editor', () => {
    expect(bindings(stateWith({ label: 'Code' })).some((binding) => binding.key === 'Tab' || binding.key === 'Shift-Tab')).toBe(false);
  });

  it('has undo and redo', () => {
    const keys = bindings(stateWith({ label: 'Code' })).map((binding) => binding.key);
    expect(keys).toContain('Mod-z');
    expect(keys).toContain('Mod-y');
  });

  it('names the content element', () => {
    const attributes = stateWith({ label: 'Code of “The update step”' }).facet(EditorView.contentAttributes);
    expect(attributes).toContainEqual({ 'aria-label': 'Code of “The update step”' });
  });

  it('is editable unless read-only, and can be switched', () => {
    const state = stateWith({ label: 'Code' });
    expect(state.readOnly).toBe(false);
    expect(state.facet(EditorView.editable)).toBe(true);
    const locked = state.update({ effects: editorSettings.reconfigure(settingsExtension('Code', true)) }).state;
    expect(locked.readOnly).toBe(true);
    expect(locked.facet(EditorView.editable)).toBe(false);
    expect(stateWith({ label: 'Code', readonly: true }).readOnly).toBe(true);
  });

  it('reports every change of the document with the whole code', () => {
    const onchange = vi.fn();
    const state = stateWith({ label: 'Code', onchange }, 'a');
    const listeners = state.facet(EditorView.updateListener);
    const transaction = state.update({ changes: { from: 1, insert: 'bc' } });
    for (const listener of listeners) listener({ docChanged: true, state: transaction.state } as never);
    expect(onchange).toHaveBeenCalledWith('abc');
  });
});
