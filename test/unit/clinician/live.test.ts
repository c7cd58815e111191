import { describe, expect, it } from 'vitest';
import { linksOf, websocketSubscriptionServices, WEBSOCKET_CHANNEL } from '../../../apps/shared/solid-notifications.ts';

describe('dashboard live updates: notification discovery', () => {
  it('finds the storage description among Link headers, resolved against the resource', () => {
    const header = '<http://localhost:3000/.acl>; rel="acl", <http://localhost:3000/hans/.well-known/solid>; rel="http://www.w3.org/ns/solid/terms#storageDescription", <http://www.w3.org/ns/ldp#Resource>; rel="type"';
    expect(linksOf(header, 'http://www.w3.org/ns/solid/terms#storageDescription', 'http://localhost:3000/hans/x')).toEqual(['http://localhost:3000/hans/.well-known/solid']);
    expect(linksOf('</desc>; rel="a http://www.w3.org/ns/solid/terms#storageDescription"', 'http://www.w3.org/ns/solid/terms#storageDescription', 'http://h/p/r')).toEqual(['http://h/desc']);
    expect(linksOf(null, 'acl', 'http://h/')).toEqual([]);
  });

  it('picks the WebSocketChannel2023 subscription service from a storage description', () => {
    const turtle = `@prefix notify: <http://www.w3.org/ns/solid/notifications#>.
<http://localhost:3000/hans/.well-known/solid> a <http://www.w3.org/ns/pim/space#Storage>;
  notify:subscription <http://localhost:3000/.notifications/WebhookChannel2023/>, <http://localhost:3000/.notifications/WebSocketChannel2023/>.
<http://localhost:3000/.notifications/WebhookChannel2023/> notify:channelType notify:WebhookChannel2023.
<http://localhost:3000/.notifications/WebSocketChannel2023/> notify:channelType <${WEBSOCKET_CHANNEL}>.`;
    expect(websocketSubscriptionServices(turtle, 'http://localhost:3000/hans/.well-known/solid')).toEqual(['http://localhost:3000/.notifications/WebSocketChannel2023/']);
    expect(websocketSubscriptionServices('<http://a/> <http://b/> <http://c/>.', 'http://a/')).toEqual([]);
  });
});
