import type { Catalogue } from './en';

/** 日本語. Same keys and layout as `en.ts` (see there); the compiler rejects a missing or extra key. */
export const ja: Catalogue = {
  'error.auth': 'API キーが拒否されました。設定で確認してください。',
  'error.config': '無効な設定があります。設定を開いて直してください。',
  'error.device': 'マイクが見つからないか、止まりました。設定でオーディオ機器を確認してください。',
  'error.internal': 'Kaiwa の内部で問題が起きました。「話す」を押してもう一度お試しください。',
  'error.network': 'サーバーに接続できません。ネットワークを確認してください。',
  'error.not-found': 'そのモデルまたはデプロイが見つかりません。設定でモデル（または Azure のデプロイ）を確認してください。',
  'error.protocol': 'サーバーから想定外の応答がありました。設定で別のプロトコル方言をお試しください。',
  'error.rate-limit': 'レート制限に達しました。少し待ってからもう一度お試しください。',
  'error.server': 'サーバーで問題が起きました。しばらくしてからもう一度お試しください。',
  'error.session-expired': 'セッションの有効期限が切れました。「話す」を押して新しく始めてください。',

  'state.connecting': '接続中…',
  'state.error': '停止',
  'state.idle': '待機中',
  'state.interrupted': '中断しました',
  'state.listening': '聞いています',
  'state.reconnecting': '再接続中…',
  'state.reconnectingAttempt': '再接続中（{{attempt}} 回目）…',
  'state.speaking': '話しています',
  'state.thinking': '考えています…',
  'state.user-speaking': 'お話を聞いています',
};
