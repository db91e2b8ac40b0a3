// Removes a hide (idempotent). $userId, $productId
MATCH (:User {id: $userId})-[h:HID]->(:Product {id: $productId})
DELETE h
