import type { BudgetNotification, NotificationListQuery } from '../../budgets/schema.js';
import type { NotificationsApi } from '../../owner.js';

/**
 * The owner's notifications where the suite expects only budget alerts, typed as such; a
 * notice among them fails the test (nothing in these suites posts one).
 */
export async function alertsOf(api: NotificationsApi, query?: NotificationListQuery): Promise<BudgetNotification[]> {
  return (await api.list(query)).map((notification) => {
    if (notification.kind === 'notice')
      throw new Error(`Expected only budget alerts, got a ${notification.topic} notice`);
    return notification;
  });
}
