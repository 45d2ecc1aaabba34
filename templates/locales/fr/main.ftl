# L'interface de guichet, en français. Chaque clé doit exister aussi dans en/main.ftl (un test le vérifie).

site-name = guichet
site-tagline = Inscriptions et accueil des participants
skip-to-content = Aller au contenu
language-switcher = Langue
footer-text = Inscriptions et accueil par guichet.

index-title = Événements
index-heading = Événements ouverts sur guichet
index-empty = Aucun événement n'est publié pour le moment.
index-dates = du { $first } au { $last }
index-one-day = { $date }
index-open = Voir l'événement et son programme

event-organiser = Organisé par
event-overview = Vue d'ensemble
event-objectives = Objectifs
event-practical = Informations pratiques
event-dates = Dates
event-venue = Lieu
event-time-zone = Tous les horaires sont à l'heure locale ({ $zone }).
event-desk = L'accueil ouvre à { $time } le { $date }. Munissez-vous du code QR de votre billet.
event-desk-day = Jour { $number } : l'accueil ouvre à { $time }.
event-registration-open = L'inscription en ligne est ouverte jusqu'au { $closes }.
event-registration-not-yet = L'inscription en ligne ouvrira le { $opens }.
event-registration-closed = L'inscription en ligne est close.
event-seats = { $seats } places.
event-content-language = Les textes de l'événement sont en { $language }.

agenda-heading = Programme
agenda-day = Jour { $number } — { $date }
agenda-moderator = Modération :
agenda-speaker = Intervention :
agenda-speakers = Intervenant·es
agenda-time = { $start } – { $end }

kind-registration = Enregistrement
kind-opening = Ouverture
kind-session = Session
kind-break = Pause
kind-closing = Clôture
kind-other = Autre

language-fr = français
language-en = anglais
language-es = espagnol

error-not-found-title = Page introuvable
error-not-found-body = Il n'y a pas de page à cette adresse. Le lien est peut-être mal saisi, ou l'événement n'est plus publié.
error-internal-title = Une erreur est survenue
error-internal-body = guichet n'a pas pu traiter votre demande. Veuillez réessayer dans un instant ; si cela se reproduit, prévenez les organisateurs.
error-unavailable-title = Service momentanément indisponible
error-unavailable-body = guichet ne parvient pas à joindre sa base de données. Veuillez réessayer dans un instant.
error-bad-request-title = Requête incomprise
error-bad-request-body = La requête n'a pas pu être lue. Vérifiez l'adresse et réessayez.
error-back-home = Voir tous les événements

email-subject-confirmation = Votre billet : { $event }
email-subject-promoted = Une place vous est attribuée : { $event }
email-subject-waitlisted = Liste d'attente : { $event }
email-subject-cancelled = Inscription annulée : { $event }
email-greeting = Bonjour { $name },
email-intro-confirmation = Votre inscription à « { $event } » est confirmée. Voici votre billet.
email-intro-promoted = Bonne nouvelle : une place s'est libérée pour « { $event } » et elle vous est attribuée. Voici votre billet.
email-intro-waitlisted = Merci de votre inscription à « { $event } ». Toutes les places sont prises pour le moment : vous êtes sur la liste d'attente. Lorsqu'une place se libère, elle revient à la première personne de la liste, qui reçoit alors son billet par courriel.
email-intro-cancelled = Votre inscription à « { $event } » est annulée. S'il s'agit d'une erreur, vous pouvez vous inscrire à nouveau sur la page de l'événement.
email-ticket-qr = Présentez ce code QR à l'accueil.
email-ticket-code = Code du billet : { $token }
email-qr-alt = Le code QR de votre billet
email-dates = Dates : { $dates }
email-desk = L'accueil ouvre à { $time } le { $date } — { $venue }.
email-ticket-link = Votre billet, le fichier de calendrier et la possibilité d'annuler :
email-ticket-button = Ouvrir mon billet
email-event-link = La page de l'événement
email-attachments = Le code QR et un fichier de calendrier sont joints à ce courriel.
email-your-details = Votre inscription :
email-signature = Les organisateurs
email-footer = Vous recevez ce courriel parce que cette adresse a servi à s'inscrire à « { $event } ».

form-heading = S'inscrire
form-intro = Les champs marqués d'un * sont obligatoires. Votre billet sera envoyé à l'adresse électronique indiquée.
form-given-name = Prénom *
form-family-name = Nom *
form-email = Adresse électronique *
form-organisation = Organisation *
form-function = Fonction
form-category = Catégorie *
form-country = Pays *
form-language = Langue de vos courriels *
form-needs = Besoins d'accessibilité ou alimentaires
form-consent = J'accepte que les organisateurs traitent ces données pour gérer mon inscription et mon accueil. *
form-choose = Choisir…
form-submit = S'inscrire
form-has-errors = Veuillez corriger les champs signalés ci-dessous.
form-honeypot = Laissez ce champ vide
form-closed-not-yet = L'inscription ouvrira le { $opens }.
form-closed = L'inscription est close.

field-required = Ce champ est obligatoire.
field-too-long = Ce champ est trop long : { $max } caractères au plus.
field-control-characters = Ce champ contient des caractères de contrôle invisibles.
field-invisible-characters = Ce champ contient des caractères invisibles (marques de sens d'écriture ou espaces sans largeur) : saisissez-le à nouveau sans eux.
field-invalid-email = Cette adresse électronique n'est pas valide (par exemple nom@exemple.org).
field-unknown-category = Choisissez l'une des catégories proposées.
field-unknown-country = Choisissez un pays dans la liste.
field-unknown-language = Choisissez le français, l'anglais ou l'espagnol.
field-consent-required = Votre consentement est nécessaire pour vous inscrire.
field-unknown-question = Cet événement ne pose pas cette question.
field-unknown-option = Choisissez l'une des options proposées.
field-invalid-date = Saisissez une date comme 2008-07-06.
field-invalid-number = Saisissez un nombre.
field-wrong-type = Cette réponse n'est pas du type attendu par la question.
answer-yes = Oui
answer-no = Non
question-only-for = Uniquement pour : { $categories }
form-questions = Quelques questions de plus
# La correction des réponses d'un participant par un organisateur (page du participant), inscrite
# au journal ; et les décomptes par option du tableau de bord.
participant-answers = Réponses aux questions
participant-answers-help = Corrigez ici les réponses du participant. Les questions auxquelles il devait répondre peuvent rester vides. Chaque changement est inscrit dans l'historique ci-dessous.
participant-answers-save = Enregistrer les réponses
participant-answers-legend = Questions posées à l'inscription
history-audit-answers_edited = Réponses corrigées
history-details-answers = questions : { $detail }
dashboard-by-option = Réponses aux questions
dashboard-by-option-help = Inscriptions non annulées. Dans un choix multiple, chaque option cochée compte.
dashboard-option = Réponse
dashboard-option-count = Inscriptions
body-invalid-json = Le corps de la requête n'est pas du JSON de la forme attendue : { $detail }
query-invalid = La requête de l'adresse n'est pas valide : { $detail }
body-not-json = Envoyez le corps de la requête en JSON, avec Content-Type: application/json.
body-too-large = Le corps de la requête est trop volumineux.
registration-not-open = L'inscription à cet événement ouvrira le { $opens }.
registration-closed = L'inscription à cet événement est close.
registration-too-many = Trop d'inscriptions viennent d'être envoyées depuis votre réseau. Veuillez réessayer dans { $seconds ->
    [one] une seconde
   *[other] { $seconds } secondes
}.

registered-title = Consultez votre messagerie
registered-body = Merci. Nous avons envoyé un courriel à l'adresse indiquée, avec votre billet ou, si toutes les places sont prises, votre place sur la liste d'attente. Si rien n'arrive d'ici quelques minutes, vérifiez vos courriers indésirables, ou inscrivez-vous à nouveau avec la même adresse pour le recevoir encore.
registered-back = Retour à l'événement

ticket-title = Votre billet
ticket-show-qr = Présentez ce code QR à l'accueil.
ticket-code = Code du billet
ticket-participant = Participant·e
ticket-organisation = Organisation
ticket-category = Catégorie
ticket-country = Pays
ticket-event = Événement
ticket-dates = Dates
ticket-venue = Lieu
ticket-desk = L'accueil ouvre à { $time } le { $date }.
ticket-calendar = Ajouter à mon agenda (.ics)
ticket-resend = Renvoyer mon billet
ticket-resent = Votre billet a été renvoyé à votre adresse électronique.
ticket-cancel = Annuler mon inscription
ticket-waitlisted = Vous êtes sur la liste d'attente. Si une place se libère, elle vous reviendra à votre tour et nous vous enverrons votre billet.
ticket-cancelled = Cette inscription est annulée. Ce billet ne permet plus d'entrer.
ticket-revoked = Ce billet a été remplacé par un plus récent et ne permet plus d'entrer. Utilisez le billet de votre dernier courriel.
ticket-register-again = S'inscrire à nouveau
cancel-title = Annuler votre inscription ?
cancel-body = Votre place reviendra à la personne suivante sur la liste d'attente. Vous pourrez vous inscrire à nouveau plus tard s'il reste des places.
cancel-confirm = Oui, annuler mon inscription
cancel-keep = Non, garder mon inscription

error-unauthorized-title = Veuillez vous connecter
error-unauthorized-body = Cette page est réservée à l'équipe de l'événement. Connectez-vous pour continuer.
error-forbidden-title = Accès refusé
error-forbidden-body = Votre compte ne permet pas d'ouvrir cette page. Si vous en avez besoin, demandez à un organisateur.
error-csrf-title = Page expirée
error-csrf-body = Cette demande n'a pas pu être vérifiée comme venant d'une page de guichet (la page a peut-être expiré, ou la demande vient d'un autre site). Rechargez la page et réessayez.
csrf-rejected = Demande refusée : elle ne porte pas le jeton de cette session ou vient d'un autre site. Rechargez la page et réessayez.
login-form-expired = Le formulaire de connexion a expiré. Saisissez à nouveau votre mot de passe.
login-failed = Adresse électronique ou mot de passe incorrect.
login-throttled = Trop de tentatives échouées depuis votre réseau. Réessayez dans { $minutes ->
    [one] une minute
   *[other] { $minutes } minutes
}, ou demandez à un organisateur de vérifier votre compte.
login-busy = Trop de connexions sont en cours de vérification. Veuillez réessayer dans un instant.
login-title = Connexion de l'équipe
login-email = Adresse électronique
login-password = Mot de passe
login-code-help = Saisissez le code à 6 chiffres de votre application d’authentification, ou l’un de vos codes de secours.
login-code = Code
login-code-wrong = Ce code est faux ou a déjà servi. Saisissez le code affiché maintenant par votre application.
login-code-expired = Votre connexion a expiré. Saisissez à nouveau votre adresse et votre mot de passe.
login-code-needed = Ce compte se connecte avec un second facteur : envoyez le code de l’application d’authentification dans otp.
error-second-factor-title = Connexion à deux facteurs requise
error-second-factor-body = Les organisateurs de cet événement doivent se connecter avec un second facteur. Activez-le sur la page de votre compte (/staff/account), puis revenez.
login-submit = Se connecter
logout = Se déconnecter
outcome-ok = Enregistré·e
outcome-already = Déjà enregistré·e aujourd'hui à { $time } par { $by }
outcome-too-early = Trop tôt : l'accueil ouvre à { $time } le { $date }
outcome-closed = L'accueil est fermé
outcome-cancelled = Inscription annulée : pas d'entrée
outcome-not-confirmed = Sur la liste d'attente : pas de place confirmée
outcome-unknown = Billet inconnu : pas un billet de cet événement
checkin-needs-token = Envoyez un code de billet ou un numéro d'inscription.
decode-nothing = Aucun code QR lisible dans cette image.
decode-not-an-image = Cette image n'est ni un PNG ni un JPEG.
decode-too-large = Cette image est trop grande : { $max } pixels de côté et { $number } mégapixels au plus.
decode-busy = Trop d'images de caméra à la fois : l'image suivante sera lue.
desk-title = Accueil
desk-signed-in-as = Connecté·e : { $email }
desk-rehearsal = Horloge de répétition : pour guichet il est { $time } — ce n'est pas l'heure réelle.
desk-open = L'accueil est ouvert (jour du { $date }).
desk-not-yet = L'accueil ouvre à { $time } le { $date }.
desk-closed = L'accueil est fermé.
desk-scan-label = Scannez ou tapez un code de billet, puis Entrée
desk-scan-placeholder = Code du billet
desk-camera-start = Utiliser la caméra
desk-camera-stop = Arrêter la caméra
desk-camera-unavailable = La caméra n'est pas disponible sur cette page (il faut HTTPS et l'autorisation).
desk-ready = Prêt pour le scan suivant.
desk-working = Vérification…
desk-offline = Pas de réponse de guichet : vérifiez le réseau et scannez à nouveau.
desk-recent = Derniers scans
desk-undo = Annuler
desk-undone = Enregistrement annulé.
desk-search-label = Chercher un nom, une adresse ou une organisation
desk-search-none = Aucune inscription ne correspond.
desk-check-in = Enregistrer
desk-checked-in-at = entré·e à { $time }
desk-walk-in = Inscrire une personne sur place
desk-walk-in-submit = Inscrire et enregistrer
desk-events = Accueils
report-given-name = Prénom
report-family-name = Nom
report-email = Adresse électronique
report-organisation = Organisation
report-function = Fonction
report-category = Catégorie
report-country = Pays
report-status = Statut
report-registered-at = Inscrit·e le
report-day-checkin = { $date } : première entrée
report-day-desk = { $date } : accueil
report-sheet-participants = Participants
report-sheet-summary = Synthèse
report-summary-day = Jour
report-summary-present = Présent·es
report-summary-no-shows = Absent·es (confirmé·es, non venu·es)
report-summary-total = Total
report-summary-registered = Inscrit·es
report-summary-confirmed = Confirmé·es
report-summary-waitlisted = En liste d'attente
report-summary-cancelled = Annulé·es
report-bad-filter = Valeur de filtre inconnue : { $detail }
status-confirmed = Confirmé·e
status-waitlisted = En liste d'attente
status-cancelled = Annulé·e
dashboard-title = Tableau de bord
dashboard-live = Mis à jour en direct à chaque scan.
dashboard-registered = Inscrit·es
dashboard-confirmed = Confirmé·es
dashboard-waitlisted = En liste d'attente
dashboard-cancelled = Annulé·es
dashboard-seats = { $seats } places
dashboard-day = Jour { $number } — { $date }
dashboard-checked-in = Entré·es
dashboard-no-shows = Pas encore arrivé·es
dashboard-arrivals = Arrivées par tranche de 5 minutes
dashboard-by-category = Par catégorie
dashboard-by-country = Par pays
dashboard-emails = Courriels
dashboard-emails-pending = En attente d'envoi
dashboard-emails-sent = Envoyés
dashboard-emails-failed = En échec
dashboard-retry = Renvoyer
dashboard-reports = Rapports de présence
dashboard-csv = Télécharger en CSV
dashboard-xlsx = Télécharger en XLSX
import-other-slug = Ce fichier décrit un autre événement ({ $detail }) : son identifiant doit rester le même.
import-drops-answers = Des participants ont répondu à des questions que ce fichier supprime ou dont il change le type : { $detail }. Rien n'a été importé. Gardez ces questions telles quelles, ou remplacez-les en ligne de commande avec guichet event import --force.
import-title = Remplacer l'événement par son fichier
import-help = Collez le fichier de l'événement (tel qu'exporté par guichet event export). Le programme, les textes et les réglages sont remplacés ; les inscriptions restent.
import-submit = Remplacer
import-failed = Le fichier n'a pas été importé ; rien n'a changé.
publish = Publier
unpublish = Dépublier
published-yes = Publié : la page de l'événement est publique.
published-no = Non publié : la page de l'événement est masquée.
registrations-title = Inscriptions
registrations-search = Rechercher
registrations-any = Tous
registrations-present-on = Présent·e le
registrations-absent-on = Absent·e le
registrations-filter = Filtrer
registrations-next = Page suivante
registrations-none = Aucune inscription ne correspond.
participant-history = Historique
participant-actions = Actions
participant-resend = Renvoyer le billet
participant-reissue = Révoquer et réémettre le billet
participant-cancel = Annuler l'inscription
participant-undo = Annuler le dernier enregistrement
participant-needs = Besoins
audit-title = Journal des actions
history-registered = Inscription
history-email = E-mail « { $name } » : { $detail }
history-email-confirmation = billet
history-email-waitlisted = liste d'attente
history-email-promoted = place libérée, billet
history-email-cancelled = annulation
history-email-status-pending = en attente d'envoi
history-email-status-sending = en cours d'envoi
history-email-status-sent = envoyé
history-email-status-failed = échec
history-scan = Guichet : { $detail }
history-scan-ok = entrée enregistrée
history-scan-already_checked_in = déjà entré·e ce jour-là
history-scan-too_early = trop tôt
history-scan-closed = guichet fermé
history-scan-cancelled = inscription annulée
history-scan-not_confirmed = en liste d'attente
history-scan-unknown = billet inconnu
history-scan-undone = entrée annulée
history-audit-ticket_resent = Billet renvoyé
history-audit-ticket_reissued = Billet révoqué et réémis
history-audit-registration_cancelled = Inscription annulée
history-audit-checkin_undone = Entrée annulée
history-audit-email_retried = E-mail en échec renvoyé
history-audit-published = Événement publié
history-audit-unpublished = Événement masqué
history-audit-agenda_replaced = Événement remplacé depuis son fichier
history-details-version = billet version { $number }
history-details-promoted = la place libérée est allée à l'inscription { $number }
history-details-agenda = { $number ->
    [one] { $number } jour
   *[other] { $number } jours
}, { $detail ->
    [one] { $detail } élément
   *[other] { $detail } éléments
}

# La page d'accueil de l'équipe : ses événements
staff-home-title = Vos événements
staff-home-heading = Vos événements
staff-home-signed-in = Connecté·e en tant que { $email }
staff-home-admin = administrateur·rice de ce guichet
staff-home-unpublished = non publié
staff-home-desk = Accueil
staff-home-dashboard = Tableau de bord
staff-home-empty = Vous ne faites encore partie de l'équipe d'aucun événement. Demandez à un organisateur de l'événement de vous ajouter.

# The account page (issue 12)
account-title = Votre compte
account-totp-heading = Connexion à deux facteurs
account-totp-is-on = Activée : la connexion demande un code de votre application d’authentification. Codes de secours restants : { $left }.
account-totp-is-off = Désactivée. Activée, la connexion demande aussi un code à 6 chiffres d’une application d’authentification sur votre téléphone.
account-totp-start = Activer la connexion à deux facteurs
account-totp-again = La configurer à nouveau (nouvelle application ou nouveau téléphone)
account-totp-scan = Scannez ce code avec votre application d’authentification, puis saisissez le code qu’elle affiche pour confirmer.
account-totp-qr-alt = Code QR pour ajouter guichet à votre application d’authentification
account-totp-by-hand = Ou saisissez cette clé dans l’application :
account-totp-confirm = Confirmer
account-totp-wrong = Ce code ne correspond pas. Saisissez le code affiché maintenant par votre application.
account-totp-on = La connexion à deux facteurs est activée.
account-recovery-intro = Vos codes de secours, affichés une seule fois : gardez-les en lieu sûr. Chacun permet une connexion si vous perdez votre téléphone.
account-password-heading = Mot de passe
account-password-intro = Un nouveau mot de passe vous déconnecte partout ailleurs.
account-password-current = Mot de passe actuel
account-password-new = Nouveau mot de passe
account-password-submit = Changer le mot de passe
account-password-wrong = Le mot de passe actuel est faux.
account-password-length = Le nouveau mot de passe doit compter entre { $min } et { $max } caractères.
account-password-changed = Votre mot de passe a changé. Vos autres sessions sont terminées.
staff-home-account = Votre compte

# The team page and the access history (issue 12)
team-title = Équipe
team-members = Membres
team-role = Rôle
team-role-organiser = organisateur
team-role-desk = accueil
team-role-unknown = Choisissez organisateur ou accueil.
team-sessions = Connexions
team-actions = Actions
team-change-role = Changer
team-remove = Retirer de l’équipe
team-revoke-one = Déconnecter
team-revoke-all = Déconnecter partout
team-session-device = appareil
team-session-browser = navigateur
team-session-last-used = dernière utilisation le { $at }
team-no-sessions = non connecté
team-second-factor-on = deux facteurs activés
team-disabled = désactivé
team-empty = Personne n’a encore de rôle pour cet événement.
team-totp-required = Les organisateurs de cet événement doivent se connecter avec un second facteur.
team-totp-optional = Les organisateurs de cet événement peuvent se connecter sans second facteur.
team-totp-require = Exiger un second facteur des organisateurs
team-totp-make-optional = Ne plus l’exiger
team-history = Historique des accès
team-dashboard-link = Équipe
access-by-command-line = ligne de commande
access-granted = { $email } est devenu { $role }
access-grant-removed = { $email } a été retiré de l’équipe
access-admin-named = { $email } est devenu administrateur
access-invited = { $email } a été invité comme { $role }
access-invitation-accepted = { $email } a accepté l’invitation
access-totp-enrolled = { $email } a activé la connexion à deux facteurs
access-totp-required = un second facteur est désormais exigé des organisateurs
access-totp-optional = un second facteur n’est plus exigé des organisateurs
access-disabled = le compte { $email } a été désactivé
access-enabled = le compte { $email } a été réactivé
access-session-revoked = une session de { $email } a été terminée
access-sessions-revoked = toutes les sessions de { $email } ont été terminées
access-password-changed = { $email } a changé de mot de passe
admin-title = Administration
admin-history = Changements d’accès à toute l’instance
admin-history-empty = Rien pour l’instant.
staff-home-admin-page = Administration

# Invitations (issue 12)
email-subject-invitation = Vous êtes invité dans l’équipe de { $event }
email-invitation-greeting = Bonjour,
email-invitation-intro = Vous êtes invité à rejoindre l’équipe de « { $event } » sur guichet, comme { $role }.
email-invitation-link = Choisissez votre mot de passe avec ce lien (il sert une fois, jusqu’au { $expires }) :
email-invitation-button = Choisir mon mot de passe
email-invitation-ignore = Si vous n’attendiez pas cette invitation, ignorez ce message : rien ne se passe sans le lien.
invitation-title = Rejoindre l’équipe
invitation-intro = Vous êtes invité dans l’équipe de « { $event } » comme { $role }. Choisissez un mot de passe pour { $email }.
invitation-password = Mot de passe (10 caractères au moins)
invitation-submit = Créer mon compte
invitation-invalid-title = Cette invitation ne peut pas servir
invitation-invalid-body = Le lien n’est pas valable, a déjà servi ou date de plus de 48 heures. Demandez à un organisateur de l’événement de vous inviter à nouveau.
invitation-existing = Vous avez déjà un compte : connectez-vous avec votre mot de passe. Votre rôle pour « { $event } » est maintenant { $role }.
invitation-done = Votre compte est prêt. Connectez-vous avec votre adresse et votre nouveau mot de passe.
team-invite = Inviter
team-invite-heading = Inviter quelqu’un
team-invite-help = La personne reçoit un message avec un lien pour choisir un mot de passe (valable 48 heures, une fois). Un compte existant reçoit le rôle tout de suite.
team-invite-email-invalid = Saisissez une adresse électronique.
team-invitations = Invitations en cours
team-invitation-line = { $email } comme { $role }, jusqu’au { $expires }
team-invitation-queued = message en file
team-invitation-sent = message envoyé
team-invitation-failed = message en échec
account-totp-current-code = Saisissez un code de votre second facteur actuel (ou un code de secours) pour le remplacer.
account-totp-current-code-label = Code de votre application actuelle

# Inscription sur validation
email-subject-request_received = Demande reçue : { $event }
email-subject-declined = Votre demande : { $event }
email-intro-request_received = Merci pour votre demande d'inscription à « { $event } ». L'inscription à cet événement est soumise à validation : les organisateurs examineront votre demande et vous répondront par courriel. Si elle est acceptée, ce courriel contiendra votre billet.
email-intro-declined = Merci de l'intérêt que vous portez à « { $event } ». Nous regrettons que les organisateurs ne puissent pas donner suite à votre demande d'inscription.
email-note = Le message des organisateurs :
ticket-pending = Votre demande est reçue. Les organisateurs l'examineront et vous répondront par courriel ; si elle est acceptée, vous recevrez votre billet.
ticket-declined = Votre demande d'inscription n'a pas été acceptée. Cette page ne permet pas d'entrer.
status-pending = Demande en attente
status-declined = Refusée
history-email-request_received = demande reçue
history-email-declined = demande refusée
history-audit-registration_approved = Demande acceptée
history-audit-registration_declined = Demande refusée
form-by-approval = L'inscription à cet événement est soumise à validation : votre inscription est une demande, à laquelle les organisateurs répondront par courriel.
registered-body-request = Merci. Votre demande est reçue, et nous avons envoyé un courriel de confirmation à l'adresse indiquée. Les organisateurs l'examineront et vous répondront par courriel ; si elle est acceptée, vous recevrez votre billet.
participant-decision = Demande
participant-approve = Accepter
participant-decline = Refuser
decline-message = Message au participant (facultatif, ajouté au courriel)
decision-not-pending = Cette inscription n'est pas une demande en attente de décision : son statut est « { $detail } ».
dashboard-pending = Demandes à traiter
dashboard-declined = Refusées
report-summary-pending = Demandes en attente
report-summary-declined = Refusées
registrations-matching = { $number ->
    [0] Aucune inscription ne correspond.
    [one] Une inscription correspond.
   *[other] { $number } inscriptions correspondent.
}
bulk-label = Pour toutes les inscriptions de ce filtre :
bulk-continue = Continuer…
bulk-action-approve = accepter
bulk-action-decline = refuser
bulk-action-cancel = annuler
bulk-action-resend = renvoyer leur courriel
bulk-title-approve = Accepter des demandes
bulk-title-decline = Refuser des demandes
bulk-title-cancel = Annuler des inscriptions
bulk-title-resend = Renvoyer des courriels
bulk-confirm-approve = { $number ->
    [0] Aucune inscription de ce filtre à accepter.
    [one] Accepter l'inscription de ce filtre ? Seules les demandes en attente sont acceptées ; chacune prend une place libre, ou une place sur la liste d'attente.
   *[other] Accepter les { $number } inscriptions de ce filtre ? Seules les demandes en attente sont acceptées ; chacune prend une place libre, ou une place sur la liste d'attente.
}
bulk-confirm-decline = { $number ->
    [0] Aucune inscription de ce filtre à refuser.
    [one] Refuser l'inscription de ce filtre ? Seules les demandes en attente sont refusées ; le participant reçoit un courriel.
   *[other] Refuser les { $number } inscriptions de ce filtre ? Seules les demandes en attente sont refusées ; chaque participant reçoit un courriel.
}
bulk-confirm-cancel = { $number ->
    [0] Aucune inscription de ce filtre à annuler.
    [one] Annuler l'inscription de ce filtre ? Le participant reçoit un courriel, et une place libérée va à la liste d'attente.
   *[other] Annuler les { $number } inscriptions de ce filtre ? Chaque participant reçoit un courriel, et les places libérées vont à la liste d'attente.
}
bulk-confirm-resend = { $number ->
    [0] Aucune inscription de ce filtre à qui écrire.
    [one] Renvoyer son courriel à l'inscription de ce filtre (son billet, ou où elle en est) ?
   *[other] Renvoyer leur courriel aux { $number } inscriptions de ce filtre (à chacune son billet, ou où elle en est) ?
}
bulk-do-approve = { $number ->
    [one] Accepter { $number } inscription
   *[other] Accepter { $number } inscriptions
}
bulk-do-decline = { $number ->
    [one] Refuser { $number } inscription
   *[other] Refuser { $number } inscriptions
}
bulk-do-cancel = { $number ->
    [one] Annuler { $number } inscription
   *[other] Annuler { $number } inscriptions
}
bulk-do-resend = { $number ->
    [one] Renvoyer { $number } courriel
   *[other] Renvoyer { $number } courriels
}
bulk-back = Retour à la liste, sans rien faire
bulk-done = Fait : { $number } modifiées, { $detail } laissées telles quelles (déjà traitées, annulées, ou non concernées).
bulk-unknown-action = Choisissez l'une des actions de la liste.

# Offline desk (server)
batch-too-many = Au plus { $max } scans à la fois : envoyez le reste dans un autre lot.
batch-item-not-recorded = Ce scan n'a pas pu être lu et n'a pas été enregistré.
batch-scan-in-the-future = L'heure du scan a plus de 5 minutes d'avance sur l'horloge de guichet : vérifiez l'horloge de l'appareil.
dashboard-conflicts-title = Admis deux fois hors ligne
dashboard-conflicts-intro = Deux postes ont laissé entrer le même billet le même jour alors que l'un d'eux était hors ligne : quelqu'un est peut-être entré deux fois. Le scan le plus ancien fait foi.
dashboard-conflicts-kept = Retenu
dashboard-conflicts-other = Aussi admis
dashboard-conflicts-name = Participant·e
dashboard-conflicts-day = Jour
history-details-conflict = admis deux fois : voir le tableau de bord
history-details-desk = poste { $detail }
history-details-offline = scanné hors ligne, reçu à { $time }

# Offline desk (page)
desk-manifest-name = Accueil guichet
desk-manifest-description = Scanner les billets à l'entrée, avec ou sans réseau.
desk-offline-tag = Hors ligne
desk-offline-tag-detail = décidé sur cet appareil ; envoyé à guichet au retour du réseau
desk-offline-already-today = Déjà enregistré·e aujourd'hui
desk-offline-no-list = Hors ligne, et cet appareil n'a pas encore la liste des participant·es : ce scan ne peut pas être décidé. Vérifiez le billet à l'œil et scannez-le de nouveau au retour du réseau.
desk-offline-no-crypto = Les scans hors ligne demandent un accueil ouvert en HTTPS : ce scan ne peut pas être décidé. Scannez-le de nouveau au retour du réseau.
desk-print-badge = Imprimer le badge
desk-offline-walk-in-queued = Inscription sur place gardée sur cet appareil : { $name } sera inscrit·e et enregistré·e au retour du réseau.
desk-offline-in-today = entré·e aujourd'hui
desk-search-offline = Recherche sur cet appareil (hors ligne) : noms et organisations seulement.
desk-waiting-heading = En attente d'envoi
desk-waiting-tag = en attente
desk-sync-heading = Réseau et synchronisation
desk-sync-online = En ligne
desk-sync-offline = Hors ligne : les scans sont décidés sur cet appareil et envoyés plus tard
desk-sync-sending = Envoi des scans faits hors ligne…
desk-sync-waiting = En attente d'envoi : { $number }
desk-sync-last = Dernière synchronisation : { $time }
desk-sync-never = Pas encore synchronisé
desk-sync-list-age = Liste des participant·es : { $detail }
desk-sync-ready-offline = Cet accueil peut continuer hors ligne.
desk-sync-no-list = Cet appareil n'a pas encore la liste des participant·es : les scans hors ligne ne peuvent pas être décidés avant une première synchronisation.
desk-sync-list-old = La liste des participant·es date de plus de 10 minutes : les annulations et nouveaux billets depuis n'y sont pas.
desk-sync-clock-off = L'horloge de cet appareil s'écarte de plus de 2 minutes de celle de guichet (il est { $time } pour guichet) : les scans hors ligne prennent l'heure de guichet, mais vérifiez la date et l'heure de l'appareil.
desk-sync-failed = Les scans en attente n'ont pas encore pu être envoyés : nouvel essai sous peu.
desk-signed-out-here = Ce navigateur s'est déconnecté : la liste des participant·es n'est plus gardée sur cet appareil. Reconnectez-vous pour utiliser l'accueil.
desk-sync-signed-out = guichet demande de vous reconnecter avant de prendre les scans en attente : reconnectez-vous (ils restent sur cet appareil) et revenez à cet accueil.
desk-sync-report-heading = Scans envoyés au retour du réseau
desk-sync-changed = { $time } { $name } : guichet dit « { $detail } » (cet appareil avait dit « { $first } »).
desk-sync-conflict = { $time } { $name } : admis·e par deux postes hors ligne, quelqu'un est peut-être entré deux fois. guichet dit « { $detail } ».
desk-sync-error = { $time } { $token } : non enregistré, { $detail }
desk-sync-walk-in-done = Inscription sur place de { $name } faite : { $detail }
desk-sync-walk-in-error = L'inscription sur place de { $name } n'a pas pu être faite : { $detail } Ce qui avait été saisi est de retour dans le formulaire.
desk-conflicts-heading = Admis deux fois hors ligne
desk-conflict-line = { $name }, { $date }
desk-conflict-kept = admis·e à { $detail } à { $time } ({ $by }) : ce scan compte ;
desk-conflict-other = admis·e de nouveau à { $detail } à { $time } ({ $by }).
desk-conflict-advice = Vérifiez si deux personnes sont entrées avec un seul billet.
desk-name-label = Nom du poste
desk-name-hint = Envoyé avec chaque scan, par exemple « Entrée A » ; vide, c'est votre adresse qui apparaît.
desk-signout-waiting = Scans en attente d'envoi : { $number }. Vous déconnecter les perdrait : retrouvez le réseau, laissez-les partir, puis déconnectez-vous.

# Attendance by the agenda
checkin-bad-door = Désignez le point du programme par son identifiant (celui du programme), et le sens par in ou out.
dashboard-items-title = Présence par séance
dashboard-items-count = { $number ->
    [one] { $number } présent·e
   *[other] { $number } présent·es
}
report-session-item = Séance
report-session-day = Jour
report-session-in = Entrée
report-session-out = Sortie
report-session-minutes = Minutes
report-sheet-sessions = Séances
report-sessions-total = Présent·es
verification-title = Attestation de participation
verification-confirmed = Cette attestation est authentique : guichet l'a délivrée, et la participation ci-dessous est celle enregistrée lors de l'événement.
verification-event = Événement
verification-days = Jours de présence
verification-sessions = Séances suivies
verification-minutes = { $number ->
    [one] { $number } minute
   *[other] { $number } minutes
}
desk-door-label = Porte
desk-door-entrance = Entrée (présence du jour)
desk-direction-label = Sens
desk-direction-in = Entrée
desk-direction-out = Sortie
desk-door-offline = Pas de réponse de guichet : la porte d'une séance a besoin du réseau (l'entrée fonctionne hors ligne). Scannez à nouveau quand le réseau est revenu.
certificate-certifies = Nous attestons que
certificate-attended = a participé à
certificate-verify = Vérifier cette attestation :
ticket-certificate = Mon attestation de participation (PDF)
batch-scan-too-old = L'heure du scan remonte à plus de 7 jours : vérifiez l'horloge de l'appareil.
certificates-title = Attestations de participation
certificates-help = L'événement est terminé : chaque participant enregistré au moins une fois a une attestation qui nomme les jours et les séances suivis, avec un lien qui la vérifie. L'envoi adresse à chacun la sienne (dans sa langue), une seule fois : celles déjà envoyées ne le sont pas à nouveau.
certificates-send = Envoyer à chaque participant son attestation
certificates-zip = Télécharger toutes les attestations (ZIP)
certificates-not-yet = Les attestations existent une fois l'événement terminé.
email-subject-certificate = Votre attestation de participation : { $event }
email-intro-certificate = Merci d'avoir participé à « { $event } ». Votre attestation de participation est jointe à ce courriel ; son lien permet à chacun de vérifier qu'elle est authentique.
history-email-certificate = attestation de participation
history-audit-certificates_sent = Attestations de participation envoyées
history-details-certificates = { $number ->
    [one] { $number } attestation
   *[other] { $number } attestations
}
registrations-badges = Badges de ce filtre (PDF, huit par feuille A4 ; les inscriptions confirmées, sauf si un statut est choisi)
registrations-badges-a6 = un badge par page A6
