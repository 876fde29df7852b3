import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidInputError } from '@app/common';
import { NOTIFICATION_DELIVERY_ID } from '@app/notifications';

/** A notification id is 32 lowercase hex digits (notificationDeliveryId); anything else is a 400. */
@Injectable()
export class NotificationIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const field = metadata.data ?? 'id';
    if (typeof value !== 'string' || !NOTIFICATION_DELIVERY_ID.test(value.toLowerCase())) {
      throw new InvalidInputError(`${field} must be a notification id (32 hex digits)`, [
        { field, message: 'must be 32 hex digits' },
      ]);
    }
    return value.toLowerCase();
  }
}
