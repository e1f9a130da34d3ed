"""Result-storage service: validates summaries, stores them in DynamoDB, serves them back, mails on errors."""
