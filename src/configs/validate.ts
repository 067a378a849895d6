/** Client-side check of the runtime-configuration form against its JSON schema. */
import validator from '@rjsf/validator-ajv8';
import { configSchema, IConfigFormData, IFieldError, transformErrors } from './schema';

export function validateConfigForm(data: IConfigFormData): IFieldError[] {
  const { errors } = validator.validateFormData(data, configSchema, undefined, transformErrors as any);
  const result: IFieldError[] = errors.map(error => {
    const field = String(
      error.name === 'required' ? error.params?.missingProperty ?? '' : (error.property ?? '').replace(/^\./, '')
    );
    return { field, message: error.message ?? String(error.stack) };
  });
  if (data.credentials_mode === 'profile' && !(data.aws_profile ?? '').trim()) {
    result.push({ field: 'aws_profile', message: 'AWS profile is required for upload credentials "profile"' });
  }
  return result;
}
