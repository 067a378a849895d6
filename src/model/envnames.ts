/**
 * Environment variable names a pipeline may not set. Pipeline parameters become env vars
 * of the node's run step (and of the local runner), next to the task's own `TEKTON_*`
 * variables; a parameter named PATH or LD_PRELOAD would silently break the interpreter
 * or the kernel the node needs. Node env vars are the user's on purpose (PYTHONPATH,
 * LD_LIBRARY_PATH are legitimate there), so only the names the task owns are refused.
 *
 * AWS_* names are the user's too: the object-storage keys reach only the fetch and save
 * steps (from the storage Secret, `envFrom`), never the run step, so a node may bring its
 * own S3 credentials (e.g. AWS_ACCESS_KEY_ID from a Kubernetes secret) without touching
 * the transfer of its files.
 */

interface IRule {
  matches: (name: string) => boolean;
  reason: string;
}

const exact = (names: string[], reason: string): IRule => {
  const set = new Set(names);
  return { matches: name => set.has(name), reason };
};

const prefix = (start: string, reason: string): IRule => ({ matches: name => name.startsWith(start), reason });

/** Names the task owns (all the compiler's RESERVED_ENV names are among them). */
const TASK_RULES: IRule[] = [
  prefix('TEKTON_', 'names starting with TEKTON_ belong to the task itself (paths, scripts, the run id)')
];

/** Names the shell, the dynamic loader, the interpreters or the cluster read or set. */
const ENVIRONMENT_RULES: IRule[] = [
  exact(['PATH'], 'it is the search path for programs (python3, Rscript, sh)'),
  exact(['HOME', 'PWD', 'OLDPWD', 'TMPDIR', 'HOSTNAME'], 'it is set by the container and read by the tools in it'),
  exact(['SHELL', 'IFS', 'ENV', 'BASH_ENV', 'CDPATH', 'PS4', 'SHELLOPTS', 'BASHOPTS'], 'it changes how the shell runs the task'),
  exact(['USER', 'LOGNAME'], 'it names the user the container runs as'),
  exact(['LANG', 'LANGUAGE', 'TERM'], 'it sets the locale or terminal of the container'),
  prefix('LC_', 'names starting with LC_ set the locale'),
  prefix('LD_', 'names starting with LD_ control the dynamic loader (LD_PRELOAD, LD_LIBRARY_PATH)'),
  prefix('DYLD_', 'names starting with DYLD_ control the dynamic loader'),
  prefix('PYTHON', 'names starting with PYTHON are read by the Python interpreter (PYTHONPATH, PYTHONHOME, PYTHONSTARTUP, …)'),
  exact(['IPYTHONDIR'], 'it is read by IPython, which may run the notebook'),
  prefix('JUPYTER_', 'names starting with JUPYTER_ are read by Jupyter, which may run the notebook'),
  exact(['R_HOME', 'R_LIBS', 'R_LIBS_USER', 'R_LIBS_SITE'], 'it is read by R, which runs R nodes'),
  prefix('KUBERNETES_', 'names starting with KUBERNETES_ are set by Kubernetes in every container')
];

const PARAMETER_RULES = [...TASK_RULES, ...ENVIRONMENT_RULES];

function firstReason(rules: IRule[], name: string): string | null {
  // A loop, not find(callback): validation asks this for every env var of every node.
  for (let i = 0; i < rules.length; i++) {
    if (rules[i].matches(name)) {
      return rules[i].reason;
    }
  }
  return null;
}

/**
 * Why a pipeline parameter cannot have this name (it would clobber the run step's
 * environment), or null when the name is fine. Case-sensitive, as Linux env vars are.
 */
export function reservedParameterName(name: string): string | null {
  return firstReason(PARAMETER_RULES, name);
}

/** Why a node env var or secret env var cannot have this name (the task owns it), or null. */
export function reservedNodeEnvName(name: string): string | null {
  return firstReason(TASK_RULES, name);
}
