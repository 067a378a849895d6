/**
 * The runtime configurations panel: a list (with "Test connection", edit, delete) and a
 * form to create or edit one. Secret values are write-only: the list and the form only
 * say whether they are set.
 */
import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle, ITranslator } from '@jupyterlab/translation';
import {
  addIcon,
  Button,
  deleteIcon,
  editIcon,
  FormComponent,
  IFormComponentProps,
  refreshIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { Tekton, TektonResponseError } from '../services';
import type { RuntimeConfigsModel } from './model';
import {
  configFormSchema,
  configUiSchema,
  errorSchemaOf,
  formDataFromConfig,
  IConfigFormData,
  IFieldError,
  requestFromFormData,
  serverFieldErrors
} from './schema';
import { validateConfigForm } from './validate';

const SchemaForm = FormComponent as unknown as (props: IFormComponentProps<any>) => JSX.Element;

export const PANEL_CLASS = 'jp-tekton-RuntimeConfigs';

/** The panel as a Lumino widget (sidebar). */
export class RuntimeConfigsPanel extends ReactWidget {
  constructor(options: RuntimeConfigsPanel.IOptions) {
    super();
    this._options = options;
    this.addClass(PANEL_CLASS);
    options.model.changed.connect(() => this.update(), this);
  }

  /** Open the form for a new configuration (or an existing one). */
  edit(name: string | null): void {
    this._editing = { name, key: ++this._key };
    this.update();
  }

  protected onAfterShow(): void {
    void this._options.model.refresh();
  }

  render(): JSX.Element {
    return (
      <RuntimeConfigsView
        model={this._options.model}
        trans={this._options.trans}
        translator={this._options.translator}
        editing={this._editing}
        onEditingChange={editing => {
          this._editing = editing;
          this.update();
        }}
      />
    );
  }

  private _options: RuntimeConfigsPanel.IOptions;
  private _editing: IEditing | null = null;
  private _key = 0;
}

export namespace RuntimeConfigsPanel {
  export interface IOptions {
    model: RuntimeConfigsModel;
    trans: TranslationBundle;
    translator?: ITranslator;
  }
}

/** Which configuration the form shows: `name` null = a new one. */
interface IEditing {
  name: string | null;
  key: number;
}

export function RuntimeConfigsView(props: {
  model: RuntimeConfigsModel;
  trans: TranslationBundle;
  translator?: ITranslator;
  editing: IEditing | null;
  onEditingChange: (editing: IEditing | null) => void;
}): JSX.Element {
  const { model, trans, editing } = props;
  if (editing) {
    return (
      <ConfigEditor
        key={editing.key}
        model={model}
        trans={trans}
        translator={props.translator}
        existing={model.find(editing.name)}
        onDone={() => props.onEditingChange(null)}
      />
    );
  }
  return (
    <div className={`${PANEL_CLASS}-list`} data-testid="runtime-configs">
      <div className={`${PANEL_CLASS}-header`}>
        <h2 className={`${PANEL_CLASS}-title`}>{trans.__('Runtime Configurations')}</h2>
        <ToolbarButtonComponent
          icon={addIcon}
          tooltip={trans.__('New runtime configuration')}
          dataset={{ testid: 'runtime-config-new' }}
          onClick={() => props.onEditingChange({ name: null, key: Date.now() })}
        />
        <ToolbarButtonComponent
          icon={refreshIcon}
          tooltip={trans.__('Refresh')}
          dataset={{ testid: 'runtime-config-refresh' }}
          onClick={() => void model.refresh()}
        />
      </div>
      {model.error && (
        <div className={`${PANEL_CLASS}-error`} role="alert">
          {model.error}
        </div>
      )}
      {model.loaded && !model.error && model.configs.length === 0 && (
        <p className={`${PANEL_CLASS}-empty`}>
          {trans.__('No runtime configuration yet. A runtime configuration says which cluster, namespace and object storage a submitted pipeline uses.')}
        </p>
      )}
      <ul className={`${PANEL_CLASS}-items`}>
        {model.configs.map(config => (
          <ConfigItem
            key={config.name}
            config={config}
            model={model}
            trans={trans}
            onEdit={() => props.onEditingChange({ name: config.name, key: Date.now() })}
          />
        ))}
      </ul>
    </div>
  );
}

function ConfigItem(props: {
  config: Tekton.IDescribeRuntimeConfig;
  model: RuntimeConfigsModel;
  trans: TranslationBundle;
  onEdit: () => void;
}): JSX.Element {
  const { config, model, trans } = props;
  const [check, setCheck] = useState<Tekton.ICheckRuntimeConfigResponse | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);

  const test = useCallback(async () => {
    setTesting(true);
    setCheck(null);
    setCheckError(null);
    try {
      setCheck(await model.service.testRuntimeConfig(config.name));
    } catch (reason) {
      setCheckError((reason as Error)?.message ?? String(reason));
    } finally {
      setTesting(false);
    }
  }, [model, config.name]);

  const remove = useCallback(async () => {
    const answer = await showDialog({
      title: trans.__('Delete runtime configuration'),
      body: trans.__('Delete "%1"? Its stored keys are deleted too. Runs already submitted keep running.', config.name),
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: trans.__('Delete') })]
    });
    if (!answer.button.accept) {
      return;
    }
    try {
      await model.service.deleteRuntimeConfig(config.name);
    } catch (reason) {
      setCheckError((reason as Error)?.message ?? String(reason));
    }
    await model.refresh();
  }, [model, config.name, trans]);

  const storage = config.storage_endpoint
    ? `${config.storage_endpoint.replace(/\/+$/, '')}/${config.bucket}`
    : trans.__('no object storage');
  const keysStored = config.has_access_key_id || config.has_secret_key;
  return (
    <li className={`${PANEL_CLASS}-item`} data-testid="runtime-config-item" data-name={config.name}>
      <div className={`${PANEL_CLASS}-itemHeader`}>
        <span className={`${PANEL_CLASS}-name`} title={config.description || config.name}>
          {config.display_name || config.name}
        </span>
        <ToolbarButtonComponent
          icon={editIcon}
          tooltip={trans.__('Edit %1', config.name)}
          dataset={{ testid: 'runtime-config-edit' }}
          onClick={props.onEdit}
        />
        <ToolbarButtonComponent
          icon={deleteIcon}
          tooltip={trans.__('Delete %1', config.name)}
          dataset={{ testid: 'runtime-config-delete' }}
          onClick={() => void remove()}
        />
      </div>
      <dl className={`${PANEL_CLASS}-details`}>
        <dt>{trans.__('Cluster')}</dt>
        <dd>
          {config.in_cluster
            ? trans.__('in-cluster service account')
            : config.kube_context || trans.__('current kubeconfig context')}
          {' · '}
          {config.namespace}
        </dd>
        <dt>{trans.__('Storage')}</dt>
        <dd>{storage}</dd>
        <dt>{trans.__('Keys')}</dt>
        <dd data-testid="runtime-config-keys">
          {config.credentials_mode === 'keys'
            ? keysStored
              ? trans.__('stored: set')
              : trans.__('stored: not set')
            : config.credentials_mode === 'profile'
              ? trans.__('AWS profile %1', config.aws_profile ?? '')
              : trans.__('server environment')}
        </dd>
      </dl>
      <Button
        small
        minimal
        className={`${PANEL_CLASS}-test`}
        data-testid="runtime-config-test"
        disabled={testing}
        onClick={() => void test()}
      >
        {testing ? trans.__('Testing…') : trans.__('Test connection')}
      </Button>
      {checkError && (
        <div className={`${PANEL_CLASS}-error`} role="alert">
          {checkError}
        </div>
      )}
      {check && (
        <ul className={`${PANEL_CLASS}-checks`} data-testid="runtime-config-checks">
          <CheckLine label={trans.__('Object storage')} check={check.storage} />
          {check.kubernetes && <CheckLine label={trans.__('Kubernetes')} check={check.kubernetes} />}
        </ul>
      )}
    </li>
  );
}

function CheckLine(props: { label: string; check: Tekton.IConnectionCheck }): JSX.Element {
  const { ok, message } = props.check;
  return (
    <li className={`${PANEL_CLASS}-check ${ok ? 'jp-mod-ok' : 'jp-mod-failed'}`} data-ok={String(ok)}>
      <span className={`${PANEL_CLASS}-checkMark`} aria-hidden="true">
        {ok ? '✓' : '✗'}
      </span>
      <strong>{props.label}:</strong> {message}
    </li>
  );
}

export function ConfigEditor(props: {
  model: RuntimeConfigsModel;
  trans: TranslationBundle;
  translator?: ITranslator;
  existing: Tekton.IDescribeRuntimeConfig | null;
  onDone: () => void;
}): JSX.Element {
  const { model, trans, existing } = props;
  const [formData, setFormData] = useState<IConfigFormData>(() => formDataFromConfig(existing));
  const [errors, setErrors] = useState<IFieldError[]>([]);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const schema = useMemo(() => configFormSchema(existing, trans), [existing, trans]);
  const uiSchema = useMemo(() => configUiSchema(existing, trans), [existing, trans]);
  const extraErrors = useMemo(() => errorSchemaOf(errors), [errors]);
  useEffect(() => setFormData(formDataFromConfig(existing)), [existing?.name]);

  const save = useCallback(async () => {
    const found = validateConfigForm(formData);
    setErrors(found);
    setServerError(null);
    if (found.length) {
      return;
    }
    setSaving(true);
    const body = requestFromFormData(formData);
    try {
      if (existing) {
        const { name: _name, ...update } = body;
        await model.service.updateRuntimeConfig(existing.name, update);
      } else {
        await model.service.createRuntimeConfig(body);
      }
      await model.refresh();
      props.onDone();
    } catch (reason) {
      const message = (reason as Error)?.message ?? String(reason);
      setServerError(message);
      if (reason instanceof TektonResponseError) {
        setErrors(serverFieldErrors(reason.details, message));
      }
    } finally {
      setSaving(false);
    }
  }, [formData, existing, model, props.onDone]);

  return (
    <div className={`${PANEL_CLASS}-editor`} data-testid="runtime-config-form">
      <h2 className={`${PANEL_CLASS}-title`}>
        {existing ? trans.__('Edit %1', existing.name) : trans.__('New Runtime Configuration')}
      </h2>
      <form
        className={`${PANEL_CLASS}-form`}
        autoComplete="off"
        noValidate
        onSubmit={event => {
          event.preventDefault();
          void save();
        }}
      >
        <SchemaForm
          schema={schema as RJSFSchema}
          uiSchema={uiSchema}
          formData={formData}
          onChange={({ formData: next }: { formData?: IConfigFormData }) => next && setFormData(next)}
          validator={validator}
          extraErrors={extraErrors as any}
          idPrefix="jp-tekton-runtime-config"
          liveValidate={false}
          noHtml5Validate
          showErrorList={false}
          tagName="div"
          compact
          translator={props.translator}
        />
        {(serverError || errors.length > 0) && (
          <div className={`${PANEL_CLASS}-error`} role="alert" data-testid="runtime-config-errors">
            {serverError ?? trans.__('Fix the marked fields: %1', errors.map(e => e.message).join('; '))}
          </div>
        )}
        <div className={`${PANEL_CLASS}-buttons`}>
          <Button minimal type="button" onClick={props.onDone} data-testid="runtime-config-cancel">
            {trans.__('Cancel')}
          </Button>
          <Button type="submit" disabled={saving} data-testid="runtime-config-save">
            {saving ? trans.__('Saving…') : trans.__('Save')}
          </Button>
        </div>
      </form>
    </div>
  );
}
