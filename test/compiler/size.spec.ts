import { compile, embeddedRunPeakBytes, ETCD_REQUEST_BYTES, MAX_OBJECT_BYTES } from '../../src/compiler';
import { makeDocument, randomDag } from './generate';
import { STORAGE } from './helpers';

const MIB = 1024 * 1024;

/** n nodes in one line, each declaring one output: node i receives the outputs of all i ancestors. */
function chain(n: number) {
  const id = (i: number) => `n${String(i).padStart(4, '0')}`;
  return makeDocument(
    Array.from({ length: n }, (_, i) => ({ id: id(i), label: `step ${i}`, parents: i ? [id(i - 1)] : [], properties: { outputs: [`out/${i}.csv`] } }))
  );
}

describe('size of large pipelines', () => {
  it('a 1000-node PipelineRun stays under 1 MiB (YAML and the JSON the API server stores)', () => {
    const result = compile(randomDag(1000), STORAGE);
    expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    const yamlBytes = Buffer.byteLength(result.yaml);
    const jsonBytes = Buffer.byteLength(JSON.stringify(result.pipelineRun));
    // Printed for the record (bench/compile reports the same number).
    console.log(`1000 nodes: YAML ${yamlBytes} bytes, JSON ${jsonBytes} bytes`);
    expect(yamlBytes).toBeLessThan(MIB);
    expect(jsonBytes).toBeLessThan(MIB);
  });

  it('warns when an embedded PipelineRun would outgrow etcd\'s limit while it runs (status copy), not as separate objects', () => {
    // Peak ≈ 2 × JSON + 420 bytes per task (measured on the test cluster; see size.ts).
    const fits = compile(randomDag(800), STORAGE);
    const fitsBytes = Buffer.byteLength(JSON.stringify(fits.pipelineRun));
    console.log(`800 nodes embedded: ${fitsBytes} bytes as JSON, peak ${embeddedRunPeakBytes(fitsBytes, 800)}`);
    expect(embeddedRunPeakBytes(fitsBytes, 800)).toBeLessThan(ETCD_REQUEST_BYTES);
    expect(fits.diagnostics.map(d => d.code)).not.toContain('status-too-large');

    const embedded = compile(randomDag(1000), STORAGE);
    const jsonBytes = Buffer.byteLength(JSON.stringify(embedded.pipelineRun));
    console.log(`1000 nodes embedded: ${jsonBytes} bytes as JSON, peak ${embeddedRunPeakBytes(jsonBytes, 1000)}`);
    expect(jsonBytes).toBeLessThan(700 * 1024);
    const warning = embedded.diagnostics.find(d => d.code === 'status-too-large');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning!.message).toContain(`(${jsonBytes} bytes as JSON)`);
    expect(warning!.message).toContain(`about ${(embeddedRunPeakBytes(jsonBytes, 1000) / MIB).toFixed(2)} MiB`);
    expect(warning!.message).toContain('--separate');
    const separate = compile(randomDag(1000), { ...STORAGE, separateObjects: true });
    expect(separate.diagnostics.map(d => d.code)).not.toContain('status-too-large');
    expect(compile(randomDag(100), STORAGE).diagnostics.map(d => d.code)).not.toContain('status-too-large');
  });

  it('a 5000-node pipeline compiles (with the size check off); the step scripts appear once, not per task', () => {
    const result = compile(randomDag(5000), { ...STORAGE, maxObjectBytes: 0 });
    expect(result.ir!.nodes).toHaveLength(5000);
    const fetchScript = (result.pipelineRun as any).spec.taskRunTemplate.podTemplate.env.find(
      (e: { name: string }) => e.name === 'TEKTON_STEP_FETCH'
    ).value as string;
    const longest = fetchScript.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '');
    expect(longest.length).toBeGreaterThan(20);
    expect(result.yaml.split(longest).length - 1).toBe(1);
  });

  it('a chain where every node declares an output grows linearly: no task lists its ancestors', () => {
    const bytes = (n: number) => Buffer.byteLength(JSON.stringify(compile(chain(n), { ...STORAGE, maxObjectBytes: 0 }).pipelineRun));
    const [small, large] = [bytes(500), bytes(1000)];
    console.log(`chain with outputs: 500 nodes ${small} bytes, 1000 nodes ${large} bytes as JSON`);
    // Twice the nodes, about twice the bytes (a quadratic list of ancestors would be 4 ×).
    expect(large / small).toBeLessThan(2.1);
    expect(large).toBeLessThan(MAX_OBJECT_BYTES);
    const run = compile(chain(1000), STORAGE);
    expect(run.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    // Each task names only its parent; the IR still lists every ancestor for local runs.
    const last = (run.pipelineRun as any).spec.pipelineSpec.tasks[999];
    expect(last.taskSpec.steps[0].env).toEqual([{ name: 'TEKTON_INPUTS_FROM', value: 'step-998' }]);
    expect(run.ir!.nodes[999].inputsFrom).toHaveLength(999);
  });

  it('a PipelineRun over the limit is a compile error, not YAML, advising separate objects', () => {
    const document = randomDag(1000);
    const unchecked = compile(document, { ...STORAGE, maxObjectBytes: 0 });
    const jsonBytes = Buffer.byteLength(JSON.stringify(unchecked.pipelineRun));
    const limit = 512 * 1024;
    expect(jsonBytes).toBeGreaterThan(limit);

    const result = compile(document, { ...STORAGE, maxObjectBytes: limit });
    expect(result).toMatchObject({ pipelineRun: null, ir: null, yaml: '', documents: [], uploads: [] });
    const errors = result.diagnostics.filter(d => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('too-large');
    expect(errors[0].message).toContain(`The PipelineRun "random-dag-1000-" would be ${(jsonBytes / MIB).toFixed(2)} MiB (${jsonBytes} bytes as JSON)`);
    expect(errors[0].message).toContain(`the limit is 0.50 MiB (${limit} bytes`);
    expect(errors[0].message).toContain('--separate');
  });

  it('the same pipeline fits as separate objects: every object under the limit', () => {
    const result = compile(randomDag(1000), { ...STORAGE, separateObjects: true, maxObjectBytes: 512 * 1024 });
    expect(result.diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    const sizes = result.documents.map(d => Buffer.byteLength(JSON.stringify(d)));
    console.log(`1000 nodes, separate objects: largest ${Math.max(...sizes)} bytes (${result.documents.length} objects)`);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(512 * 1024);
  });

  it('counts UTF-8 bytes against the limit, and the limit is an option', () => {
    const small = makeDocument([{ id: 'a', label: 'ü'.repeat(60) }]);
    const bytes = Buffer.byteLength(JSON.stringify(compile(small, STORAGE).pipelineRun));
    expect(compile(small, { ...STORAGE, maxObjectBytes: bytes }).diagnostics.filter(d => d.severity === 'error')).toEqual([]);
    const over = compile(small, { ...STORAGE, maxObjectBytes: bytes - 1 });
    expect(over.diagnostics.map(d => d.code)).toEqual(['too-large']);
    expect(over.diagnostics[0].message).toContain(`(${bytes} bytes as JSON)`);
    expect(over.diagnostics[0].message).not.toContain('ancestors');
  });

  it.each([-1, 1.5, '1Mi'])('maxObjectBytes %j is an invalid option', value => {
    const result = compile(makeDocument([{ id: 'a' }]), { ...STORAGE, maxObjectBytes: value as number });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'invalid-option', property: 'options.maxObjectBytes' })]);
  });
});
