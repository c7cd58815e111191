/**
 * RDF namespaces and terms used by Helsevev, as plain IRI constants in the
 * style of `@inrupt/vocab-common-rdf`. Standard vocabularies first (SOSA,
 * SSN-ext, PROV-O, DPV, Web Annotation, Dublin Core, QUDT, WAC, Solid,
 * vCard, FOAF); the project's own terms (`HV`) are defined in
 * `vocab/helsevev.ttl` and a unit test keeps both in step.
 */

const ns = (base: string) => (local: string) => `${base}${local}`;

export const NS = {
  hv: 'https://w3id.org/helsevev#',
  sosa: 'http://www.w3.org/ns/sosa/',
  ssnExt: 'http://www.w3.org/ns/ssn/ext/',
  prov: 'http://www.w3.org/ns/prov#',
  dpv: 'https://w3id.org/dpv#',
  oa: 'http://www.w3.org/ns/oa#',
  dct: 'http://purl.org/dc/terms/',
  qudt: 'http://qudt.org/schema/qudt/',
  unit: 'http://qudt.org/vocab/unit/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  sh: 'http://www.w3.org/ns/shacl#',
  acl: 'http://www.w3.org/ns/auth/acl#',
  solid: 'http://www.w3.org/ns/solid/terms#',
  pim: 'http://www.w3.org/ns/pim/space#',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  ldp: 'http://www.w3.org/ns/ldp#',
  snomed: 'http://snomed.info/id/',
  loinc: 'http://loinc.org/rdf/',
} as const;

/** FHIR code system URIs (FHIR JSON uses these, not the RDF concept IRIs). */
export const FHIR_SYSTEM = {
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  /** Our own codes, for a score no SNOMED CT or LOINC code could be verified for (code = the kind, e.g. cat-score). */
  helsevevScore: 'https://w3id.org/helsevev/fhir/CodeSystem/score',
} as const;

export const snomedIri = (sctid: string) => `${NS.snomed}${sctid}`;
export const loincIri = (code: string) => `${NS.loinc}${code}`;

const sosa = ns(NS.sosa);
export const SOSA = {
  Observation: sosa('Observation'),
  Sensor: sosa('Sensor'),
  Result: sosa('Result'),
  observedProperty: sosa('observedProperty'),
  hasFeatureOfInterest: sosa('hasFeatureOfInterest'),
  hasResult: sosa('hasResult'),
  resultTime: sosa('resultTime'),
  madeBySensor: sosa('madeBySensor'),
  Procedure: sosa('Procedure'),
  usedProcedure: sosa('usedProcedure'),
} as const;

const ssnExt = ns(NS.ssnExt);
export const SSN_EXT = {
  ObservationCollection: ssnExt('ObservationCollection'),
  hasMember: ssnExt('hasMember'),
} as const;

const prov = ns(NS.prov);
export const PROV = {
  wasAttributedTo: prov('wasAttributedTo'),
  Organization: prov('Organization'),
  Activity: prov('Activity'),
  wasAssociatedWith: prov('wasAssociatedWith'),
  used: prov('used'),
  startedAtTime: prov('startedAtTime'),
  qualifiedAttribution: prov('qualifiedAttribution'),
  Attribution: prov('Attribution'),
  agent: prov('agent'),
  Person: prov('Person'),
} as const;

const dpv = ns(NS.dpv);
export const DPV = {
  Consent: dpv('Consent'),
  hasDataSubject: dpv('hasDataSubject'),
  hasRecipient: dpv('hasRecipient'),
  hasPersonalData: dpv('hasPersonalData'),
  hasPurpose: dpv('hasPurpose'),
  hasConsentStatus: dpv('hasConsentStatus'),
  ConsentGiven: dpv('ConsentGiven'),
  ConsentWithdrawn: dpv('ConsentWithdrawn'),
  isIndicatedBy: dpv('isIndicatedBy'),
} as const;

const oa = ns(NS.oa);
export const OA = {
  Annotation: oa('Annotation'),
  hasTarget: oa('hasTarget'),
  bodyValue: oa('bodyValue'),
  motivatedBy: oa('motivatedBy'),
  assessing: oa('assessing'),
} as const;

const dct = ns(NS.dct);
export const DCT = {
  created: dct('created'),
  creator: dct('creator'),
  identifier: dct('identifier'),
  title: dct('title'),
} as const;

const qudt = ns(NS.qudt);
export const QUDT = {
  QuantityValue: qudt('QuantityValue'),
  numericValue: qudt('numericValue'),
  unit: qudt('unit'),
} as const;

const xsd = ns(NS.xsd);
export const XSD = {
  string: xsd('string'),
  decimal: xsd('decimal'),
  dateTime: xsd('dateTime'),
  anyURI: xsd('anyURI'),
  integer: xsd('integer'),
  boolean: xsd('boolean'),
} as const;

export const RDF = { type: `${NS.rdf}type` } as const;
export const RDFS = { label: `${NS.rdfs}label` } as const;

const acl = ns(NS.acl);
/** Web Access Control terms (every ACL document is built from them in apps/shared/acl.ts). */
export const ACL = {
  Authorization: acl('Authorization'),
  accessTo: acl('accessTo'),
  default: acl('default'),
  agent: acl('agent'),
  agentGroup: acl('agentGroup'),
  agentClass: acl('agentClass'),
  mode: acl('mode'),
  Read: acl('Read'),
  Write: acl('Write'),
  Append: acl('Append'),
  Control: acl('Control'),
} as const;

/** The project's own terms; every one is declared in vocab/helsevev.ttl. */
const hv = ns(NS.hv);
export const HV = {
  MeasurementSetting: hv('MeasurementSetting'),
  setting: hv('setting'),
  HomeMunicipality: hv('HomeMunicipality'),
  HomeHospital: hv('HomeHospital'),
  Clinic: hv('Clinic'),
  PatientEntered: hv('PatientEntered'),
  CatScore: hv('CatScore'),
  QuestionnaireResponse: hv('QuestionnaireResponse'),
  ResponseItem: hv('ResponseItem'),
  questionnaire: hv('questionnaire'),
  questionnaireItem: hv('questionnaireItem'),
  item: hv('item'),
  linkId: hv('linkId'),
  answerCoding: hv('answerCoding'),
  valueBoolean: hv('valueBoolean'),
  valueInteger: hv('valueInteger'),
  valueString: hv('valueString'),
  score: hv('score'),
  QuestionnaireRequest: hv('QuestionnaireRequest'),
  requestedQuestionnaire: hv('requestedQuestionnaire'),
  schedule: hv('schedule'),
  ucumCode: hv('ucumCode'),
  deviceId: hv('deviceId'),
  identifier: hv('identifier'),
  RecordIdentifier: hv('RecordIdentifier'),
  identifierSystem: hv('identifierSystem'),
  identifierValue: hv('identifierValue'),
  Coding: hv('Coding'),
  codeSystem: hv('codeSystem'),
  code: hv('code'),
  bodyPosition: hv('bodyPosition'),
  clothingState: hv('clothingState'),
  confoundingFactor: hv('confoundingFactor'),
  text: hv('text'),
  order: hv('order'),
  metaSource: hv('metaSource'),
  UnreliableMark: hv('UnreliableMark'),
  attestedAuthor: hv('attestedAuthor'),
  attestedAt: hv('attestedAt'),
  AccessEvent: hv('AccessEvent'),
  clientId: hv('clientId'),
  httpMethod: hv('httpMethod'),
  httpStatus: hv('httpStatus'),
  AccessOutcome: hv('AccessOutcome'),
  outcome: hv('outcome'),
  Allowed: hv('Allowed'),
  Denied: hv('Denied'),
  AccessAction: hv('AccessAction'),
  action: hv('action'),
  Read: hv('Read'),
  Subscribe: hv('Subscribe'),
  FollowUpOfMyCondition: hv('FollowUpOfMyCondition'),
  MeasurementCategory: hv('MeasurementCategory'),
  category: hv('category'),
  PatientList: hv('PatientList'),
  followedBy: hv('followedBy'),
  patient: hv('patient'),
  entry: hv('entry'),
  PatientListEntry: hv('PatientListEntry'),
  Threshold: hv('Threshold'),
  forPatient: hv('forPatient'),
  lowerLimit: hv('lowerLimit'),
  upperLimit: hv('upperLimit'),
  // The follow-up team's work (apps/shared/team-tasks.ts, docs/teamwork.md)
  Task: hv('Task'),
  taskType: hv('taskType'),
  TaskType: hv('TaskType'),
  ThresholdAlert: hv('ThresholdAlert'),
  MissingMeasurement: hv('MissingMeasurement'),
  AdviceRequest: hv('AdviceRequest'),
  team: hv('team'),
  priority: hv('priority'),
  Priority: hv('Priority'),
  Red: hv('Red'),
  Yellow: hv('Yellow'),
  Routine: hv('Routine'),
  status: hv('status'),
  TaskStatus: hv('TaskStatus'),
  New: hv('New'),
  Taken: hv('Taken'),
  Answered: hv('Answered'),
  Closed: hv('Closed'),
  takenBy: hv('takenBy'),
  deadline: hv('deadline'),
  concerns: hv('concerns'),
  episodeStart: hv('episodeStart'),
  thread: hv('thread'),
  SelfTreatmentPlan: hv('SelfTreatmentPlan'),
  PlanStep: hv('PlanStep'),
  planStep: hv('planStep'),
  stepLevel: hv('stepLevel'),
  whenAbove: hv('whenAbove'),
  whenBelow: hv('whenBelow'),
  instruction: hv('instruction'),
  // Automatic alerts: threshold levels and the team's rules (apps/shared/alert-rules.ts)
  level: hv('level'),
  AlertRules: hv('AlertRules'),
  redWithinMinutes: hv('redWithinMinutes'),
  expects: hv('expects'),
  missingAfterDays: hv('missingAfterDays'),
  // Messages about the patient (apps/shared/advice-thread.ts)
  ThreadMessage: hv('ThreadMessage'),
  AdviceRequestMessage: hv('AdviceRequestMessage'),
  RecommendationMessage: hv('RecommendationMessage'),
  addressedTo: hv('addressedTo'),
  regards: hv('regards'),
  periodStart: hv('periodStart'),
  periodEnd: hv('periodEnd'),
  forTask: hv('forTask'),
  recommendedAction: hv('recommendedAction'),
  RecommendedAction: hv('RecommendedAction'),
  ContinueFollowUp: hv('ContinueFollowUp'),
  MeasureMoreOften: hv('MeasureMoreOften'),
  StartSelfTreatment: hv('StartSelfTreatment'),
  ContactGp: hv('ContactGp'),
  HospitalAssessment: hv('HospitalAssessment'),
} as const;
