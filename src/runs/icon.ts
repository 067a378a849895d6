/** Sidebar icon of the Runs panel: a play triangle in a list. */
import { LabIcon } from '@jupyterlab/ui-components';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 5h10v2H3zM3 11h8v2H3zM3 17h10v2H3z"/>
    <path d="M15 8.5v9l7-4.5z"/>
  </g>
</svg>`;

export const runsIcon = new LabIcon({ name: 'jupyterlab-tekton:runs', svgstr: svg });
