/**
 * Schema errors as a user reads them: one error per real problem (an invalid component
 * does not cascade into errors about others), unknown keys named with a suggestion, the
 * bad value as it is (NaN, not null), percents given as fractions caught with the percent.
 */
import { describe, expect, it } from 'vitest';
import { defineStack, formatDiagnostic, host, httpService, slo, trySynth, type StackProps } from 'obsgen';

const alerting = {
  receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
  routes: [{ match: { severity: 'critical' }, receiver: 'pager' }],
};

/** Every error as `path: message`, and the formatted lines. */
function errorsOf(props: unknown) {
  const diags = trySynth(defineStack(props as StackProps)).diagnostics.errors;
  return { list: diags.map((d) => `${d.path}: ${d.message}`), text: diags.map(formatDiagnostic), diags };
}

const severty = () => httpService({ name: 'api', targets: ['api:8000'], alerts: { errorRatio: { above: 0.05, severty: 'critical' } } } as never);

describe('an invalid component is reported once and does not cascade', () => {
  it('an unknown key in a service gives exactly one error, naming the key, where it is and the nearest known key', () => {
    const { list, diags } = errorsOf({ name: 'shop', services: [severty()], alerting });
    expect(list).toEqual(['services[0].alerts.errorRatio.severty: unknown key "severty" in services[0].alerts.errorRatio; did you mean "severity"?']);
    expect(diags[0]!.hint).toBe('rename it to "severity"');
  });

  it('the SLOs of other components get no errors from the invalid one (shared alert tests, empty stack)', () => {
    // The celery SLO alone shares the SLOBudgetBurn rule with the (left out) service's SLO.
    const props = {
      name: 'shop',
      services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective: 99.9, sli: { errorRatio: {} } }], alerts: { errorRatio: { above: 0.05, severty: 'critical' } } } as never)],
      slos: [
        slo({
          name: 'tasks',
          service: 'celery',
          objective: 99,
          sli: { events: { good: 'celery_tasks_total{job="celery",state="SUCCESS"}', total: 'celery_tasks_total{job="celery",state=~"SUCCESS|FAILURE"}' } },
        }),
      ],
      alerting,
    };
    expect(errorsOf(props).list).toEqual(['services[0].alerts.errorRatio.severty: unknown key "severty" in services[0].alerts.errorRatio; did you mean "severity"?']);
  });

  it('a stack whose only component is invalid is not also "empty"', () => {
    expect(errorsOf({ name: 'shop', services: [severty()], alerting }).diags.map((d) => d.code)).toEqual(['schema']);
  });

  it('dropping the invalid component\'s dashboard is not an unknown-dashboard error', () => {
    const props = { name: 'shop', services: [severty()], mixins: [host({ targets: ['h:9100'] })], dropDashboards: ['shop-svc-api'], alerting };
    expect(errorsOf(props).diags.map((d) => d.code)).toEqual(['schema']);
  });

  it('a real whole-stack error still shows when every component is valid', () => {
    const props = { name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'] })], dropDashboards: ['nope'], alerting };
    expect(errorsOf(props).diags.map((d) => `${d.code} ${d.path}`)).toEqual(['unknown-dashboard dropDashboards[0]']);
  });

  it('reports every error of a build at once: the stack\'s, each component\'s, and the routing\'s', () => {
    const props = {
      name: 'shop',
      prometheus: { scrapeInterval: 'soon' },
      services: [severty(), httpService({ name: 'web', targets: ['web'] })],
      mixins: [host({ targets: ['h:9100'], disk: { warning: 0.8 } })],
      alerting: { receivers: {}, routes: [{ receiver: 'ghost' }] },
    };
    const { diags } = errorsOf(props);
    expect(diags.map((d) => d.path).sort()).toEqual(
      ['prometheus.scrapeInterval', 'services[0].alerts.errorRatio.severty', 'services[1].targets[0]', 'mixins[0].disk.warning', 'alerting.routes[0].receiver'].sort(),
    );
  });
});

describe('messages name the problem and the bad value', () => {
  const service = (alerts: unknown) => ({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'], alerts } as never)], alerting });

  it('NaN is shown as NaN, not null', () => {
    const { list, text } = errorsOf(service({ errorRatio: { above: NaN } }));
    expect(list).toEqual(['services[0].alerts.errorRatio.above: expected number, got NaN']);
    expect(text[0]).not.toContain('null');
  });

  it('a value out of an enum lists the options and the nearest one', () => {
    const { list, diags } = errorsOf(service({ errorRatio: { above: 0.05, severity: 'critcal' } }));
    expect(list).toEqual(['services[0].alerts.errorRatio.severity: expected one of "critical", "warning", "info"; did you mean "critical"?']);
    expect(diags[0]!.value).toBe('critcal');
  });

  it('a wrong type says what was expected and what was given', () => {
    const { list, text } = errorsOf({ name: 'shop', services: [httpService({ name: 'api', targets: 'api:8000' } as never)], alerting });
    expect(list).toEqual(['services[0].targets: expected array, got string']);
    expect(text[0]).toContain('(got "api:8000")');
  });

  it('a value that fits no shape of a union lists the shapes instead of "Invalid input"', () => {
    expect(errorsOf(service({ errorRatio: 3 })).list).toEqual(['services[0].alerts.errorRatio: expected object or false, got number']);
  });

  it('unknown keys at the top of the stack, each its own error with its suggestion or the known keys', () => {
    const { list, diags } = errorsOf({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'] })], alertting: alerting, colour: 'red' });
    expect(list).toEqual(['alertting: unknown key "alertting" in the stack props; did you mean "alerting"?', 'colour: unknown key "colour" in the stack props']);
    expect(diags[1]!.hint).toMatch(/^remove it; the known keys are .*\balerting\b.*\bservices\b/);
  });

  it('a misspelt SLI kind is one unknown-key error, not also "errorRatio is required"', () => {
    const props = { name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective: 99.9, sli: { errorRatoi: {} } }] } as never)], alerting };
    expect(errorsOf(props).list).toEqual(['services[0].slos[0].sli.errorRatoi: unknown key "errorRatoi" in services[0].slos[0].sli; did you mean "errorRatio"?']);
  });
});

describe('more unclear messages, made clear', () => {
  const withSli = (sli: unknown, objective: unknown = 99.9) => ({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective, sli }] } as never)], alerting });

  it('two SLI kinds at once: they are alternatives, not "unknown key latency" with latency among the known keys', () => {
    const { list, diags } = errorsOf(withSli({ errorRatio: {}, latency: { below: '1s' } }));
    expect(list).toEqual(['services[0].slos[0].sli.latency: "latency" cannot be given together with "errorRatio" in services[0].slos[0].sli']);
    expect(diags[0]!.hint).toBe('these are alternatives: give one of availability, errorRatio, events, latency, ratio');
  });

  it('a missing union-typed prop is "required", not "expected object, got undefined"', () => {
    expect(errorsOf(withSli(undefined)).list).toEqual(['services[0].slos[0].sli: is required']);
  });

  it('swapped letters in a key still get a suggestion', () => {
    const props = { name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'] })], alerting: { ...alerting, routes: [{ macth: { severity: 'critical' }, receiver: 'pager' }] } };
    expect(errorsOf(props).list).toEqual(['alerting.routes[0].macth: unknown key "macth" in alerting.routes[0]; did you mean "match"?']);
  });

  it('an objective written with a % sign says so, not "does not match /^\\d+(\\.\\d+)?$/"', () => {
    const { list, diags } = errorsOf(withSli({ errorRatio: {} }, '99.9%'));
    expect(list).toEqual(['services[0].slos[0].objective: is not a number']);
    expect(diags[0]!.hint).toBe('give a percent as a number, e.g. 99.9 or "99.95" (without %)');
  });
});

describe('percent-valued props given as fractions', () => {
  it('an objective of 0.9995 is one error with the hint "objective is a percent: 99.95"', () => {
    const props = { name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective: 0.9995, sli: { errorRatio: {} } }] })], alerting };
    const { list, diags } = errorsOf(props);
    expect(list).toEqual(['services[0].slos[0].objective: looks like a fraction: this value is a percent (0-100)']);
    expect(diags[0]!.hint).toBe('objective is a percent: 99.95');
    expect(diags[0]!.value).toBe(0.9995);
  });

  it('the same for a standalone SLO given as a string', () => {
    const props = { name: 'shop', slos: [slo({ name: 'tasks', service: 'celery', objective: '0.99', sli: { events: { good: 'tasks_total{state="ok"}', total: 'tasks_total' } } })], alerting };
    const { diags } = errorsOf(props);
    expect(diags.map((d) => `${d.path} ${d.hint}`)).toEqual(['slos[0].objective objective is a percent: 99']);
  });

  it('host thresholds are percents too', () => {
    const { diags } = errorsOf({ name: 'shop', mixins: [host({ targets: ['h:9100'], disk: { warning: 0.8, critical: 0.9 }, diskFillingUp: { freeBelow: 0.4 } })], alerting });
    expect(diags.map((d) => `${d.path} ${d.hint}`)).toEqual(['mixins[0].disk.warning warning is a percent: 80', 'mixins[0].disk.critical critical is a percent: 90', 'mixins[0].diskFillingUp.freeBelow freeBelow is a percent: 40']);
  });

  it('and the other way round: a ratio given as a percent gets the ratio as hint', () => {
    const { diags } = errorsOf({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8000'], alerts: { errorRatio: { above: 5 } } })], alerting });
    expect(diags.map((d) => `${d.path}: ${d.message} / ${d.hint}`)).toEqual(['services[0].alerts.errorRatio.above: must be less than 1 / above is a ratio (0-1): 0.05']);
  });

  it('1 and above, and real percents, are fine', () => {
    const props = { name: 'shop', mixins: [host({ targets: ['h:9100'], disk: { warning: 1, critical: 90 } })], alerting };
    expect(errorsOf(props).list).toEqual([]);
  });
});
