import { join } from 'node:path';
import {
  composeRules,
  interpolate,
  kubernetesRules,
  loadKustomization,
  validateComposeSchema,
  validateKubernetesSchema,
} from './validate-manifests';

const deployment = (container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'gateway' },
  spec: {
    selector: { matchLabels: { app: 'gateway' } },
    template: { metadata: { labels: { app: 'gateway' } }, spec: { containers: [{ name: 'gateway', ...container }] } },
  },
  'x-file': 'gateway.yaml',
});

describe('interpolate (compose variables)', () => {
  it('substitutes, defaults, escapes, and reports required variables that are unset', () => {
    const missing = new Set<string>();
    const text = interpolate('${A} ${B:-b} ${C:?set C} ${D-d} $$HOME ${E:-}', { A: 'a', D: '' }, missing);

    expect(text).toBe('a b   $HOME ');
    expect([...missing]).toEqual(['C']);
  });
});

describe('validateComposeSchema', () => {
  it('refuses a misspelt service key and a wrong depends_on condition', () => {
    const problems = validateComposeSchema({
      services: {
        web: { image: 'x', healtcheck: {} },
        worker: { image: 'x', depends_on: { web: { condition: 'service_finished' } } },
      },
    });

    expect(problems.join('\n')).toMatch(/compose schema: \/services\/web must NOT have additional properties/);
    expect(problems.join('\n')).toMatch(/depends_on/);
  });
});

describe('composeRules', () => {
  it('asks for the migration step before the auth instances, 3 auth instances, 2 gateways and health checks', () => {
    const problems = composeRules({
      services: { auth: { image: 'x', depends_on: { migrate: { condition: 'service_started' } } } },
    });

    expect(problems).toEqual(
      expect.arrayContaining([
        'compose: no service "gateway"',
        'compose: auth must run 3 instances',
        'compose: auth has no healthcheck',
        'compose: auth depends on unknown service migrate',
        'compose: auth must wait for migrate (condition: service_completed_successfully)',
        'compose: auth must run with DATABASE_MIGRATE=off (migrate runs once, before it)',
      ]),
    );
  });
});

describe('validateKubernetesSchema', () => {
  it('accepts a valid Deployment and refuses a wrong type or an unknown kind', () => {
    expect(validateKubernetesSchema(deployment({ image: 'x' }))).toEqual([]);

    const wrong = deployment({ image: 'x' });
    (wrong.spec as Record<string, unknown>)['replicas'] = 'three';
    expect(validateKubernetesSchema(wrong)).toEqual([
      expect.stringMatching(/gateway\.yaml: Deployment: .*replicas must be integer/),
    ]);
    expect(validateKubernetesSchema({ ...wrong, kind: 'Deploymnet' })).toEqual([
      expect.stringContaining('unknown apiVersion/kind apps/v1 Deploymnet'),
    ]);
  });
});

describe('kubernetesRules', () => {
  it('refuses inlined secrets, missing probes and resources, and an inlined Secret', () => {
    const problems = kubernetesRules([
      deployment({ image: 'x', env: [{ name: 'NATS_PASSWORD', value: 'hunter2' }] }),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
    ]);

    expect(problems).toEqual(
      expect.arrayContaining([
        'kubernetes: no PodDisruptionBudget',
        'kubernetes: a Secret is inlined; reference one created outside git',
        'kubernetes: Deployment gateway, container gateway: needs a livenessProbe and a readinessProbe',
        'kubernetes: Deployment gateway, container gateway: needs resources.requests and resources.limits',
        'kubernetes: Deployment gateway, container gateway: NATS_PASSWORD is inlined; take it from a Secret (secretKeyRef)',
      ]),
    );
  });

  it('passes the project manifests', () => {
    const { docs, problems } = loadKustomization(join(__dirname, '../../../deploy/kubernetes'));

    expect(problems).toEqual([]);
    expect(docs.flatMap(validateKubernetesSchema)).toEqual([]);
    expect(kubernetesRules(docs)).toEqual([]);
  });
});
