// SVG files imported from TypeScript are inlined as strings by the JupyterLab builder
// (and by @jupyterlab/testing's raw loader under jest).
declare module '*.svg' {
  const value: string;
  export default value;
}
