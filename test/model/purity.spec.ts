/** src/model must run anywhere: no JupyterLab, Lumino, React or DOM. */
import * as fs from 'fs';
import * as path from 'path';

const MODEL_DIR = path.resolve(__dirname, '../../src/model');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Source without comments and string contents, so prose cannot trip the checks. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

describe('src/model purity', () => {
  const files = sources(MODEL_DIR);

  it('has source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map(file => [path.relative(MODEL_DIR, file), file]))('%s imports only relative modules', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
      match => match[1] ?? match[2] ?? match[3]
    );
    for (const source of imports) {
      expect(source).toMatch(/^\.\.?\//);
      expect(source).not.toMatch(/@jupyterlab|@lumino|react/);
    }
  });

  it.each(files.map(file => [path.relative(MODEL_DIR, file), file]))('%s uses no DOM globals', (_name, file) => {
    const stripped = code(fs.readFileSync(file, 'utf8'));
    expect(stripped).not.toMatch(/\b(window|document|navigator|localStorage|HTMLElement)\s*[.[(]/);
    expect(stripped).not.toMatch(/\btypeof\s+(window|document)\b/);
  });
});
