/**
 * `tekton-pipeline config list|get|show|create|edit|delete|test …`: runtime configurations
 * from a terminal. Handled entirely by `python -m jupyterlab_tekton config …`
 * (jupyterlab_tekton/config_cli.py), the same store and validation as the server's
 * /tekton/runtime-configs, so a configuration made here is the one JupyterLab shows.
 * stdin, stdout and stderr are the terminal's (for `--from-file -` and `edit`'s editor).
 */
import { UsageError } from './args';
import { EXIT, ICommand } from './command';
import { runPython } from './python';

export const CONFIG_COMMANDS = ['list', 'get', 'show', 'create', 'edit', 'delete', 'test'];

export const configCommand: ICommand = {
  name: 'config',
  summary: 'list, show, create, edit, delete or test runtime configurations',
  help: `Usage: tekton-pipeline config COMMAND [NAME] [options]

  list [--json]                        the configurations, one per line
  show NAME [--json]                   one configuration, one field per line
  get NAME                             one configuration as JSON
  create NAME [--from-file F.json|-] [--set FIELD=VALUE]... [--from-env FIELD=VAR]... [--json]
  edit NAME [--from-file F.json|-] [--set FIELD=VALUE]... [--unset FIELD]... [--from-env FIELD=VAR]... [--json]
                                       without options: opens $VISUAL / $EDITOR on its JSON
  delete NAME
  test NAME [--create-bucket] [--json] checks the bucket and the cluster (exit 1 if either fails)

Every command takes --config-dir DIR (default: <Jupyter data dir>/tekton/runtime-configs,
the folder JupyterLab uses). Fields: display_name, description, kube_context, kubeconfig,
in_cluster (true: the pod's service account, token and CA from
/var/run/secrets/kubernetes.io/serviceaccount or $JUPYTERLAB_TEKTON_SERVICEACCOUNT_DIR), namespace, service_account, storage_endpoint, storage_server_endpoint, bucket,
region, storage_secret_name, credentials_mode (env|profile|keys), aws_profile,
default_runtime_image, transfer_image, dashboard_url, console_url, and the write-only
access_key_id and secret_access_key: they are stored (file mode 0600) but never printed.
Give secrets with --from-env FIELD=VAR or in the --from-file JSON, not with --set (the
process list would show them). \`show --json\` output can be edited and fed back with
--from-file.

Runs $TEKTON_PIPELINE_PYTHON (default python3) -m jupyterlab_tekton config COMMAND ...
Exit code: 0 ok; 1 no such configuration, or \`test\` found a problem; 2 invalid input;
3 Python cannot be started.`,
  async run(argv, io) {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? io.err : io.out)(this.help + '\n');
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (!CONFIG_COMMANDS.includes(command)) {
      throw new UsageError(`unknown config command "${command}" (one of ${CONFIG_COMMANDS.join(', ')})`);
    }
    const result = await runPython(['config', command, ...rest], null, false, true);
    if (result.code === null) {
      io.err(`tekton-pipeline config: ${result.error}; set TEKTON_PIPELINE_PYTHON to a Python with jupyterlab_tekton installed\n`);
      return EXIT.environment;
    }
    return result.code;
  }
};
