import { compile } from '../../src/compiler';
import { randomDag } from './generate';
import { STORAGE } from './helpers';

const MIB = 1024 * 1024;

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

  it('a 5000-node pipeline compiles; the step scripts appear once, not per task', () => {
    const result = compile(randomDag(5000), STORAGE);
    expect(result.ir!.nodes).toHaveLength(5000);
    const fetchScript = (result.pipelineRun as any).spec.taskRunTemplate.podTemplate.env.find(
      (e: { name: string }) => e.name === 'TEKTON_STEP_FETCH'
    ).value as string;
    const longest = fetchScript.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '');
    expect(longest.length).toBeGreaterThan(20);
    expect(result.yaml.split(longest).length - 1).toBe(1);
  });
});
