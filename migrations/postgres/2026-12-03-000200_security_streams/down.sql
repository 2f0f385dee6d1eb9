DROP TABLE security_stream_deliveries;
DROP TABLE security_streams;
