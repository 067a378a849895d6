/** Command ids and icons of the runtime-configuration and submit plugin. */
import { LabIcon } from '@jupyterlab/ui-components';

export namespace ConfigsCommandIDs {
  export const manage = 'tekton:manage-runtime-configs';
  export const submit = 'tekton:submit';
}

/** Toolbar item names (in schema/runtime-configs.json). */
export const PICKER_TOOLBAR_ITEM = 'runtime-config';

// A cloud with an up arrow: "send to the cluster".
const submitSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM14 13v4h-4v-4H7l5-5 5 5h-3z"/>
  </g>
</svg>`;

// A cloud with a gear-like dot: "where pipelines run".
const configsSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM19 18H6c-2.21 0-4-1.79-4-4s1.79-4 4-4h.71C7.37 7.69 9.48 6 12 6c3.04 0 5.5 2.46 5.5 5.5v.5H19c1.66 0 3 1.34 3 3s-1.34 3-3 3z"/>
  </g>
</svg>`;

export const submitIcon = new LabIcon({ name: 'jupyterlab-tekton:submit', svgstr: submitSvg });
export const runtimeConfigsIcon = new LabIcon({ name: 'jupyterlab-tekton:runtime-configs', svgstr: configsSvg });
