import { LabIcon } from '@jupyterlab/ui-components';
import arrangeSvg from '../../style/icons/arrange.svg';
import commentSvg from '../../style/icons/comment.svg';
import fitSvg from '../../style/icons/fit.svg';
import pipelineSvg from '../../style/icons/pipeline.svg';
import warningSvg from '../../style/icons/warning.svg';

export const pipelineIcon = new LabIcon({ name: 'jupyterlab-tekton:pipeline', svgstr: pipelineSvg });
export const arrangeIcon = new LabIcon({ name: 'jupyterlab-tekton:arrange', svgstr: arrangeSvg });
export const commentIcon = new LabIcon({ name: 'jupyterlab-tekton:comment', svgstr: commentSvg });
export const fitIcon = new LabIcon({ name: 'jupyterlab-tekton:fit', svgstr: fitSvg });
export const warningIcon = new LabIcon({ name: 'jupyterlab-tekton:warning', svgstr: warningSvg });
