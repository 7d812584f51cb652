"""Receipts of the final copy (hồi báo): personal links, the "Văn bản đến" inbox, confirmation
and the reminders of those who have not confirmed."""
