DROP TABLE trial_restriction_lifts;
