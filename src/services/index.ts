/** Typed REST client of the jupyterlab_tekton server extension. */
export { Tekton } from './tekton';
export { API_NAMESPACE, EXTENSION_MISSING, TektonResponseError, queryString, requestAPI } from './request';
export { TektonService } from './service';
