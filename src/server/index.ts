export { startKaiwaServer, TURN_PATH, CONVERSATION_HEADER, type KaiwaServer, type KaiwaServerOptions } from './server';
export { newToken, hostAllowed } from './guard';
