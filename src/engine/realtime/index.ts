export * from './dialects';
export {
  ConnectionError,
  DEFAULT_CONNECT_TIMEOUT_MS,
  RealtimeConnection,
  type CloseInfo,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionState,
  type ProtocolErrorInfo,
} from './connection';
export { AZURE_PREVIEW_API_VERSION, EndpointError, OPENAI_REALTIME_URL, redactUrl, resolveEndpoint, type Endpoint } from './endpoints';
export { SpecValidator, specValidator, type EventSide, type SpecDialect, type ValidationResult } from './spec/validator';
