DROP TABLE sender_names;
