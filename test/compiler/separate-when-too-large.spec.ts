import { compile, ICompileOptions, SEPARATE_OBJECTS_CHOSEN } from '../../src/compiler';
import { randomDag } from './generate';
import { STORAGE } from './helpers';

/** What Submit compiles with. */
const compileForCluster = (document: Parameters<typeof compile>[0], options: ICompileOptions) =>
  compile(document, { ...options, separateWhenTooLarge: true });
const kinds = (documents: Record<string, unknown>[]) => [...new Set(documents.map(d => d.kind))];

describe('separateWhenTooLarge (what Submit sends)', () => {
  it('keeps one embedded PipelineRun when it fits, identical to compile()', () => {
    const document = randomDag(100);
    const result = compileForCluster(document, STORAGE);
    expect(result.yaml).toBe(compile(document, STORAGE).yaml);
    expect(kinds(result.documents)).toEqual(['PipelineRun']);
    expect(result.diagnostics.map(d => d.code)).not.toContain(SEPARATE_OBJECTS_CHOSEN);
  });

  it('switches to separate Tasks + Pipeline when the embedded run would outgrow etcd while it runs, and says so', () => {
    const document = randomDag(1000);
    expect(compile(document, STORAGE).diagnostics.map(d => d.code)).toContain('status-too-large');
    const result = compileForCluster(document, STORAGE);
    expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    expect(result.diagnostics.map(d => d.code)).not.toContain('status-too-large');
    const note = result.diagnostics.find(d => d.code === SEPARATE_OBJECTS_CHOSEN)!;
    expect(note.severity).toBe('warning');
    expect(note.message).toMatch(/^Submitted as separate Task and Pipeline objects: The PipelineRun would be .* bytes as JSON\)/);
    expect(result.documents.filter(d => d.kind === 'Task')).toHaveLength(1000);
    expect(result.documents.slice(-2).map(d => d.kind)).toEqual(['Pipeline', 'PipelineRun']);
    expect(result.yaml).toBe(compile(document, { ...STORAGE, separateObjects: true }).yaml);
  });

  it('an explicit separate-objects choice is kept as it is', () => {
    const options = { ...STORAGE, separateObjects: true };
    const result = compileForCluster(randomDag(10), options);
    expect(result.yaml).toBe(compile(randomDag(10), options).yaml);
    expect(result.diagnostics.map(d => d.code)).not.toContain(SEPARATE_OBJECTS_CHOSEN);
  });
});
