/**
 * rjsf templates for the properties panel: JupyterLab's compact layout (the markup and CSS
 * classes of FormComponent's own templates), except that a field's title is a `<label>` of
 * its input and a list or group is a named `role="group"` — JupyterLab's titles are plain
 * `<div>`s, which leaves every input without an accessible name. FormComponent takes
 * either all of its templates or ours (`templates` replaces the set), hence all three.
 */
import type { ITranslator } from '@jupyterlab/translation';
import { AddButton, DropButton, MoveButton } from '@jupyterlab/ui-components';
import {
  ADDITIONAL_PROPERTY_FLAG,
  ArrayFieldTemplateProps,
  canExpand,
  FieldTemplateProps,
  ObjectFieldTemplateProps,
  TemplatesType
} from '@rjsf/utils';
import React from 'react';

/** rjsf's id separator: `<idPrefix>_<key>_<index>_<key>`; the root's id has none. */
const ID_SEPARATOR = '_';
/** Compact forms show icon buttons, as JupyterLab's do. */
const BUTTON_STYLE = 'icons';

export function createFormTemplates(translator?: ITranslator): Partial<TemplatesType> {
  const FieldTemplate = (props: FieldTemplateProps): JSX.Element => {
    const { id, label, displayLabel, schema, rawErrors, errors, children, hidden } = props;
    if (hidden) {
      return <div className="hidden">{children}</div>;
    }
    const isRoot = !id.includes(ID_SEPARATOR);
    const isAdditional = Object.prototype.hasOwnProperty.call(schema, ADDITIONAL_PROPERTY_FLAG);
    const isItem = schema.type !== 'object' && schema.type !== 'array';
    // Custom fields (`ui:field`) render their own title; rjsf passes displayLabel false.
    const showTitle = isItem && displayLabel && !isRoot && !!label && !isAdditional;
    const wrapperClass = isRoot
      ? 'jp-root'
      : schema.type === 'object'
        ? 'jp-objectFieldWrapper'
        : schema.type === 'array'
          ? 'jp-arrayFieldWrapper'
          : 'jp-inputFieldWrapper jp-FormGroup-contentItem';
    return (
      <div className={`form-group ${displayLabel || schema.type === 'boolean' ? 'small-field' : ''}`}>
        {rawErrors?.length ? <div className="jp-modifiedIndicator jp-errorIndicator" /> : null}
        <div className="jp-FormGroup-content jp-FormGroup-contentCompact">
          {showTitle && (
            <div className="jp-FormGroup-compactTitle">
              <label className="jp-FormGroup-fieldLabel jp-FormGroup-contentItem" htmlFor={id}>
                {label}
              </label>
              {schema.description && <div className="jp-FormGroup-description">{schema.description}</div>}
            </div>
          )}
          {isAdditional && (
            <input
              className="jp-FormGroup-contentItem jp-mod-styled"
              type="text"
              aria-label={label}
              onBlur={event => props.onKeyChange(event.target.value)}
              defaultValue={label}
            />
          )}
          <div className={wrapperClass}>{children}</div>
          {isAdditional && (
            <button
              type="button"
              className="jp-FormGroup-contentItem jp-mod-styled jp-mod-warn jp-FormGroup-removeButton"
              onClick={props.onDropPropertyClick(label)}
            >
              {translator?.load('jupyterlab').__('Remove') ?? 'Remove'}
            </button>
          )}
          <div className="validationErrors">{errors}</div>
        </div>
      </div>
    );
  };

  const ArrayFieldTemplate = (props: ArrayFieldTemplateProps): JSX.Element => {
    const id = props.idSchema.$id;
    return (
      <div className={props.className} role="group" aria-labelledby={`${id}__title`}>
        <GroupTitle id={id} title={props.title} description={props.schema.description} />
        {props.items.map(item => (
          <div key={item.key} className={item.className}>
            {item.children}
            <div className="jp-ArrayOperations">
              <MoveButton buttonStyle={BUTTON_STYLE} translator={translator} item={item} direction="up" />
              <MoveButton buttonStyle={BUTTON_STYLE} translator={translator} item={item} direction="down" />
              <DropButton buttonStyle={BUTTON_STYLE} translator={translator} item={item} />
            </div>
          </div>
        ))}
        {props.canAdd && <AddButton onAddClick={props.onAddClick} buttonStyle={BUTTON_STYLE} translator={translator} />}
      </div>
    );
  };

  const ObjectFieldTemplate = (props: ObjectFieldTemplateProps): JSX.Element => {
    const id = props.idSchema.$id;
    const isRoot = !id.includes(ID_SEPARATOR);
    return (
      <fieldset id={id} aria-labelledby={isRoot || !props.title ? undefined : `${id}__title`}>
        <GroupTitle id={id} title={props.title} description={props.schema.description} />
        {props.properties.map(property => property.content)}
        {canExpand(props.schema, props.uiSchema, props.formData) && (
          <AddButton onAddClick={props.onAddClick(props.schema)} buttonStyle={BUTTON_STYLE} translator={translator} />
        )}
      </fieldset>
    );
  };

  return { FieldTemplate, ArrayFieldTemplate, ObjectFieldTemplate };
}

/** Title and description of a list or a group of fields. */
function GroupTitle(props: { id: string; title?: string; description?: string }): JSX.Element {
  return (
    <div className="jp-FormGroup-compactTitle">
      <div className="jp-FormGroup-fieldLabel jp-FormGroup-contentItem" id={`${props.id}__title`}>
        {props.title || ''}
      </div>
      <div className="jp-FormGroup-description" id={`${props.id}__description`}>
        {props.description || ''}
      </div>
    </div>
  );
}
