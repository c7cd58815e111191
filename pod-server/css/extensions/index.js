'use strict';
/**
 * Helsevev's extensions to Community Solid Server 7, loaded by Components.js
 * (components/components.jsonld describes their constructors; config/ wires
 * them into CSS's config). Plain CommonJS on purpose: nothing to build, so
 * what Components.js loads is exactly what is in git.
 */
const { AccessLogHttpHandler } = require('./lib/access-log/AccessLogHttpHandler');
const { AccessLoggingAuthorizer } = require('./lib/access-log/AccessLoggingAuthorizer');
const { AccessRecorder } = require('./lib/access-log/AccessRecorder');
const { AccessLogWriter } = require('./lib/access-log/AccessLogWriter');
const { PodOwners } = require('./lib/access-log/PodOwners');
const { CachingAgentGroupAccessChecker } = require('./lib/groups/CachingAgentGroupAccessChecker');
const { PatchReadModesExtractor } = require('./lib/http/PatchReadModesExtractor');
const { DescriptionPermissionReader } = require('./lib/http/DescriptionPermissionReader');
const { DeviceWritePermissionReader } = require('./lib/http/DeviceWritePermissionReader');
const { StrictConditionsParser } = require('./lib/http/StrictConditionsParser');
const { InertContentHttpHandler } = require('./lib/http/InertContentHttpHandler');
const { AccountCookieWriter } = require('./lib/http/AccountCookieWriter');
const { ClosedRegistration } = require('./lib/http/ClosedRegistration');
const { RdfValidatingStore } = require('./lib/storage/RdfValidatingStore');
const { NoteAttestingHandler } = require('./lib/http/NoteAttestingHandler');
const { PatientEntryGuardHandler } = require('./lib/http/PatientEntryGuardHandler');
const { TaskClaimGuardHandler } = require('./lib/http/TaskClaimGuardHandler');
const { AgentRecordingChannelType } = require('./lib/notifications/AgentRecordingChannelType');
const { AuthorizedNotificationHandler } = require('./lib/notifications/AuthorizedNotificationHandler');
const { ClientOriginInfoHandler } = require('./lib/oidc/ClientOriginInfoHandler');

module.exports = {
  AccessLogHttpHandler,
  AccessLoggingAuthorizer,
  AccessRecorder,
  AccessLogWriter,
  PodOwners,
  CachingAgentGroupAccessChecker,
  PatchReadModesExtractor,
  DescriptionPermissionReader,
  DeviceWritePermissionReader,
  StrictConditionsParser,
  RdfValidatingStore,
  NoteAttestingHandler,
  PatientEntryGuardHandler,
  TaskClaimGuardHandler,
  AgentRecordingChannelType,
  AuthorizedNotificationHandler,
  InertContentHttpHandler,
  AccountCookieWriter,
  ClosedRegistration,
  ClientOriginInfoHandler,
};
