import { describe, expect, it } from 'vitest';
import { syntaxErrorLine } from '../../../src/widgets/cells/syntaxErrorLine';

describe('syntaxErrorLine', () => {
  it('finds no error in valid code, top-level await included', () => {
    expect(syntaxErrorLine('const a = 1;\nconst b = await lab.data.digits();\nconsole.log(a, b);\n')).toBeUndefined();
  });

  it('names the line of the first syntax error', () => {
    expect(syntaxErrorLine('const x = 1;\nconst y = ;\nconsole.log(x);')).toBe(2);
    expect(syntaxErrorLine('let a = [1, 2;\n')).toBe(1);
    expect(syntaxErrorLine('// fine\n\nfor (let i = 0; i < 3; i++ {\n}\n')).toBe(3);
  });
});
