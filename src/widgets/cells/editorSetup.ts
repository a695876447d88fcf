// The code cells' editor, as CodeMirror 6 extensions: pure data, so it is tested without a page
// (tests/widgets/cells/editorSetup.test.ts) and CodeEditor.svelte only mounts it.
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
// A dependency of @codemirror/language (installed with it): the names of the highlighted tokens.
import { tags } from '@lezer/highlight';

export interface EditorOptions {
  /** The editor's accessible name (aria-label of its content element). */
  label: string;
  /** Called with the whole code after every change of the document. */
  onchange?: (code: string) => void;
  /** Ctrl+Enter / Cmd+Enter. */
  onrun?: () => void;
  readonly?: boolean;
}

/**
 * Colours from the app's tokens (src/app/theme.css), so the editor follows the light/dark theme
 * with no theme of its own. Every token colour has at least 5:1 contrast on --color-surface in
 * both themes (the figures are next to the variables in theme.css).
 */
const theme = EditorView.theme({
  '&': {
    color: 'var(--color-text)',
    backgroundColor: 'var(--color-surface)',
    border: '1px solid var(--color-border-strong)',
    borderRadius: '6px',
    fontSize: '0.9rem',
  },
  // The app's focus ring (app.css's :focus-visible), which does not reach into the editor's shadow root.
  '&.cm-focused': { outline: '3px solid var(--color-accent)', outlineOffset: '2px' },
  // About 6 lines at least, and as tall as the code, as a notebook cell: an editor that scrolls
  // inside the page is a second scrollbar to find (and axe's scrollable-region rule cannot see the
  // focusable content inside the shadow root). Long lines wrap, at 375 px too.
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.5', minHeight: '9.5em', overflow: 'visible' },
  '.cm-content': { caretColor: 'var(--color-text)', padding: '0.5em 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--color-text)' },
  '.cm-gutters': { backgroundColor: 'var(--color-surface-sunken)', color: 'var(--color-muted)', borderRight: '1px solid var(--color-border)', borderRadius: '6px 0 0 6px' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--color-accent-soft)', outline: '1px solid var(--color-accent)' },
  '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: 'var(--color-danger-soft)', outline: '1px solid var(--color-danger)' },
});

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.controlKeyword, tags.operatorKeyword, tags.definitionKeyword, tags.moduleKeyword, tags.self], color: 'var(--color-code-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--color-code-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--color-code-number)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--color-code-comment)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--color-danger)' },
]);

/** Holds what may change while the editor is open: reconfigure it with `settingsExtension`. */
export const editorSettings = new Compartment();

/** The accessible name and whether the code can be edited. */
export function settingsExtension(label: string, readonly: boolean): Extension {
  return [EditorView.contentAttributes.of({ 'aria-label': label }), EditorState.readOnly.of(readonly), EditorView.editable.of(!readonly)];
}

export function editorExtensions({ label, onchange, onrun, readonly = false }: EditorOptions): Extension[] {
  return [
    lineNumbers(),
    history(),
    bracketMatching(),
    javascript({ typescript: false }),
    syntaxHighlighting(highlight),
    theme,
    EditorView.lineWrapping,
    // Run before anything else may claim Mod-Enter (the default keymap inserts a blank line on it).
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onrun?.(), true) }])),
    // No indentWithTab: Tab and Shift+Tab must move the focus out of the editor for keyboard users
    // (WCAG 2.1.2, no keyboard trap). Indenting is Ctrl+] / Ctrl+[ (in the default keymap).
    keymap.of([...defaultKeymap, ...historyKeymap]),
    editorSettings.of(settingsExtension(label, readonly)),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onchange?.(update.state.doc.toString());
    }),
  ];
}
