import {
  asRecordingRules,
  dashboardProblems,
  dashboardQueries,
  metricNamesOf,
  withVariablesReplaced,
} from './dashboard-queries';

const DS = { type: 'prometheus', uid: '${datasource}' };
const variables = { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] };

describe('dashboard queries', () => {
  it('reads the service metrics of a query, histogram series as their metric', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$job"}[5m]))) / on() cml_labs_outbox_dead and up',
      ),
    ).toEqual(['cml_labs_outbox_dead', 'http_request_duration_seconds']);
  });

  it("replaces Grafana's variables with values Prometheus accepts", () => {
    expect(
      withVariablesReplaced(
        'rate(x{namespace=~"$namespace",job=~"${job}"}[$__rate_interval]) + y[$window] + z[$__range]',
      ),
    ).toBe('rate(x{namespace=~".*",job=~".*"}[5m]) + y[6h] + z[6h]');
    expect(asRecordingRules([{ panel: 'p', refId: 'A', expr: 'sum(rate(a[$__rate_interval]))' }])).toContain(
      'expr: sum(rate(a[5m]))',
    );
  });

  it('finds the queries of panels inside rows too', () => {
    const dashboard = {
      uid: 'u',
      templating: variables,
      panels: [
        {
          type: 'row',
          title: 'r',
          panels: [{ type: 'stat', title: 'in row', datasource: DS, targets: [{ refId: 'A', expr: 'a' }] }],
        },
        { type: 'timeseries', title: 'top', datasource: DS, targets: [{ refId: 'A', expr: 'b' }] },
      ],
    };
    expect(dashboardQueries(dashboard).map((q) => q.panel)).toEqual(['in row', 'top']);
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it('tells a fixed datasource, a missing variable and an empty query', () => {
    expect(
      dashboardProblems({
        panels: [
          {
            type: 'stat',
            title: 'fixed',
            datasource: { type: 'prometheus', uid: 'prod-prometheus' },
            targets: [{ refId: 'A', expr: 'a' }],
          },
          { type: 'stat', title: 'empty', datasource: DS, targets: [{ refId: 'A', expr: ' ' }] },
        ],
      }),
    ).toEqual([
      'no "datasource" variable of type datasource (query: prometheus)',
      'no uid (a stable uid keeps links and provisioning working)',
      'panel "fixed" does not use ${datasource}',
      'panel "empty" query A is empty',
    ]);
  });
});
