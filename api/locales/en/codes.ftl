# One-time codes, sent by SMS (the value) or, where e-mail may carry them, by
# e-mail (the value is then the body, under .subject). Variables: $code (the
# code itself), $minutes (how long it works).

code-sign-in = { $code } is your Portcullis sign-in code. It expires in { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }. Never share it with anyone.
    .subject = Portcullis: your sign-in code

code-new-device = { $code } is your Portcullis code to confirm a sign-in from a new device. It expires in { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }. If this was not you, change your password.
    .subject = Portcullis: confirm a sign-in from a new device

code-two-factor-setup = { $code } is your Portcullis code to turn on two-factor sign-in. It expires in { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.
    .subject = Portcullis: your code to turn on two-factor sign-in

code-step-up = { $code } is your Portcullis code to confirm a security change. It expires in { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.
    .subject = Portcullis: your code to confirm a security change
