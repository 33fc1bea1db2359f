// The operators' workbook in Application Insights: orders by outcome, one order's journey, saga outcomes and
// durations, dead-letters by entity and by reason, backlog per entity over time. Its KQL is read from
// infra/monitoring/queries/ (the same files docs/observability.md shows); the Service Bus charts are platform metrics.

@description('Location of the workbook.')
param location string

@description('Tags for the workbook.')
param tags object

@description('Name of the Application Insights component the workbook belongs to (and queries).')
param applicationInsightsName string

param serviceBusNamespaceName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

// A workbook item running one KQL file against the component, within the time range parameter.
func kql(title string, query string, visualization string) object => {
  type: 3
  name: title
  content: {
    version: 'KqlItem/1.0'
    title: title
    query: query
    queryType: 0
    resourceType: 'microsoft.insights/components'
    visualization: visualization
    timeContextFromParameter: 'TimeRange'
  }
}

// A platform-metrics chart of the namespace, split by entity (queue or topic).
func metric(title string, namespaceId string, metricName string) object => {
  type: 10
  name: title
  content: {
    version: 'MetricsItem/2.0'
    title: title
    chartType: 2
    resourceType: 'microsoft.servicebus/namespaces'
    metricScope: 0
    resourceIds: [
      namespaceId
    ]
    timeContextFromParameter: 'TimeRange'
    metrics: [
      {
        namespace: 'microsoft.servicebus/namespaces'
        metric: 'microsoft.servicebus/namespaces--${metricName}'
        aggregation: 3
        splitBy: 'EntityName'
      }
    ]
  }
}

var workbook = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            id: 'time-range'
            name: 'TimeRange'
            type: 4
            isRequired: true
            value: {
              durationMs: 86400000
            }
          }
          {
            id: 'order-id'
            name: 'OrderId'
            label: 'Order id'
            type: 1
            value: 'ord_123'
          }
        ]
      }
    }
    kql('Orders placed, confirmed and cancelled', loadTextContent('../monitoring/queries/orders-by-outcome.kql'), 'timechart')
    kql('Journey of order {OrderId}', loadTextContent('../monitoring/queries/order-journey.kql'), 'table')
    kql('Saga outcomes and durations', loadTextContent('../monitoring/queries/saga-outcomes.kql'), 'table')
    kql('Dead-letters by consumer and reason', loadTextContent('../monitoring/queries/dead-letters-by-reason.kql'), 'barchart')
    metric('Dead-lettered messages per entity', serviceBus.id, 'DeadletteredMessages')
    metric('Backlog (active messages) per entity', serviceBus.id, 'ActiveMessages')
    kql('Backlog per subscription (where a host samples it)', loadTextContent('../monitoring/queries/consumer-lag.kql'), 'timechart')
  ]
  fallbackResourceIds: [
    applicationInsights.id
  ]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource operatorsWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per component.
  name: guid(applicationInsights.id, 'azureorders-operations')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'AzureOrders operations'
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: string(workbook)
  }
}

output name string = operatorsWorkbook.name
