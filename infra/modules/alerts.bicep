// Alert rules and the one action group they notify. Metric alerts (Service Bus platform metrics, per entity of
// infra/topology.json) need no diagnostics; log alerts query Application Insights (the app's spans) and the
// Log Analytics workspace (Cosmos DB's resource-specific diagnostics). The queries are the files in
// infra/monitoring/queries/, which docs/observability.md shows verbatim (a test keeps them in step).

@description('Tags for every rule.')
param tags object

@description('Location of the log alert rules (the workspace\'s region).')
param location string

@description('Name of the action group.')
param actionGroupName string

@description('E-mail address the action group notifies; empty: alerts show in the portal only.')
param alertEmail string

@description('Active messages in one entity above which consumers are lagging.')
@minValue(1)
param backlogThreshold int

param serviceBusNamespaceName string
param applicationInsightsName string
param logAnalyticsName string

var topology = loadJsonContent('../topology.json')
// Service Bus platform metrics have one dimension, EntityName: the queue, or the topic (its subscriptions summed).
var entities = concat(map(topology.topics, t => t.name), map(topology.queues, q => q.name))

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'azureorders'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operators'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// Any dead-lettered message needs a person: the pipeline dead-letters only what retries cannot fix.
resource deadLetterAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for entity in entities: {
    name: 'dead-letters-${entity}'
    location: 'global'
    tags: tags
    properties: {
      description: 'Messages in the dead-letter queue of ${entity} (topic: any of its subscriptions). Inspect and resubmit with the admin tool (azureorders list/show/resubmit).'
      severity: 1
      enabled: true
      scopes: [
        serviceBus.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      autoMitigate: true
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'dead-lettered'
            metricNamespace: 'Microsoft.ServiceBus/namespaces'
            metricName: 'DeadletteredMessages'
            dimensions: [
              {
                name: 'EntityName'
                operator: 'Include'
                values: [
                  entity
                ]
              }
            ]
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Maximum'
          }
        ]
      }
      actions: [
        {
          actionGroupId: actionGroup.id
        }
      ]
    }
  }
]

// Consumer lag: a backlog that stays above the threshold for 15 minutes (scale-out bounded, a consumer stuck).
resource backlogAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for entity in entities: {
    name: 'backlog-${entity}'
    location: 'global'
    tags: tags
    properties: {
      description: 'More than ${backlogThreshold} active messages in ${entity} for 15 minutes: its consumers are not keeping up.'
      severity: 2
      enabled: true
      scopes: [
        serviceBus.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'active-messages'
            metricNamespace: 'Microsoft.ServiceBus/namespaces'
            metricName: 'ActiveMessages'
            dimensions: [
              {
                name: 'EntityName'
                operator: 'Include'
                values: [
                  entity
                ]
              }
            ]
            operator: 'GreaterThan'
            threshold: backlogThreshold
            timeAggregation: 'Minimum'
          }
        ]
      }
      actions: [
        {
          actionGroupId: actionGroup.id
        }
      ]
    }
  }
]

var logAlerts = [
  {
    name: 'function-failures'
    description: 'Failed invocations or message handlings in the Function App.'
    severity: 2
    scope: applicationInsights.id
    query: loadTextContent('../monitoring/queries/alert-function-failures.kql')
    measure: 'failures'
    threshold: 0
    skipQueryValidation: false
  }
  {
    name: 'failed-orchestrations'
    description: 'Order saga orchestrations that failed.'
    severity: 1
    scope: applicationInsights.id
    query: loadTextContent('../monitoring/queries/alert-failed-orchestrations.kql')
    measure: 'failures'
    threshold: 0
    skipQueryValidation: false
  }
  {
    name: 'cosmos-throttling'
    description: 'Cosmos DB requests throttled (429): the serverless account is at its RU/s limit per partition.'
    severity: 3
    scope: workspace.id
    query: loadTextContent('../monitoring/queries/alert-cosmos-throttling.kql')
    measure: 'throttled'
    threshold: 10
    // The resource-specific table appears with the first diagnostics; validating before that fails the deployment.
    skipQueryValidation: true
  }
]

resource logAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for alert in logAlerts: {
    name: alert.name
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: alert.name
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        alert.scope
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT15M'
      autoMitigate: true
      skipQueryValidation: alert.skipQueryValidation
      criteria: {
        allOf: [
          {
            query: alert.query
            // The sum of the query's measure column over the window (not its row count, which is one row per group).
            timeAggregation: 'Total'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupName string = actionGroup.name
