// Service Bus Standard namespace with every topic, subscription, rule and queue of infra/topology.json,
// the single source of truth (the emulators' entities and the code's routing come from the same file).
// Local (SAS) authentication is off: senders and receivers use Microsoft Entra ID.

@description('Location of the namespace.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Name of the Service Bus namespace (6-50 characters).')
@minLength(6)
@maxLength(50)
param name string

var topology = loadJsonContent('../topology.json')

// One element per subscription, with the index of its topic (for `parent`).
var subscriptions = flatten(map(range(0, length(topology.topics)), t => map(topology.topics[t].subscriptions, s => {
  topicIndex: t
  topic: topology.topics[t].name
  subscription: s
})))

// One element per rule, with the index of its subscription in `subscriptions` (for `parent`).
var rules = flatten(map(range(0, length(subscriptions)), i => map(subscriptions[i].subscription.rules, r => {
  subscriptionIndex: i
  rule: r
})))

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topic in topology.topics: {
    parent: namespace
    name: topic.name
    properties: {
      requiresDuplicateDetection: topic.requiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: topic.duplicateDetectionHistoryTimeWindow
      defaultMessageTimeToLive: topic.defaultMessageTimeToLive
      maxSizeInMegabytes: topic.maxSizeInMegabytes
      enableBatchedOperations: true
      supportOrdering: false
    }
  }
]

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for item in subscriptions: {
    parent: topics[item.topicIndex]
    name: item.subscription.name
    properties: {
      maxDeliveryCount: item.subscription.maxDeliveryCount
      lockDuration: item.subscription.lockDuration
      deadLetteringOnMessageExpiration: item.subscription.deadLetteringOnMessageExpiration
      deadLetteringOnFilterEvaluationExceptions: item.subscription.deadLetteringOnFilterEvaluationExceptions
      defaultMessageTimeToLive: item.subscription.defaultMessageTimeToLive
      enableBatchedOperations: true
      requiresSession: false
    }
  }
]

// Azure adds a `$Default` rule (TrueFilter: every message) to each new subscription, and ARM cannot
// delete a rule. Redeclaring it with a filter that never matches leaves only the topology's rules
// deciding what reaches the subscription.
// Rules deploy one at a time: Service Bus answers 409 Conflict to concurrent rule operations on one topic, and ARM
// would otherwise create a topic's rules in parallel.
@batchSize(1)
resource defaultRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for (item, i) in subscriptions: {
    parent: topicSubscriptions[i]
    name: '$Default'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: {
        sqlExpression: '1=0'
      }
    }
  }
]

@batchSize(1)
resource subscriptionRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for item in rules: {
    parent: topicSubscriptions[item.subscriptionIndex]
    name: item.rule.name
    properties: {
      filterType: item.rule.filterType
      correlationFilter: item.rule.correlationFilter
    }
    // Not at the same time as the $Default rules either (same 409).
    dependsOn: [
      defaultRules
    ]
  }
]

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in topology.queues: {
    parent: namespace
    name: queue.name
    properties: {
      maxDeliveryCount: queue.maxDeliveryCount
      lockDuration: queue.lockDuration
      requiresDuplicateDetection: queue.requiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: queue.duplicateDetectionHistoryTimeWindow
      deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration
      defaultMessageTimeToLive: queue.defaultMessageTimeToLive
      maxSizeInMegabytes: queue.maxSizeInMegabytes
      enableBatchedOperations: true
      requiresSession: false
    }
  }
]

output name string = namespace.name
output id string = namespace.id
// Data-plane host name for identity-based connections (ServiceBus__fullyQualifiedNamespace).
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
