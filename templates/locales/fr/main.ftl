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
form-closed-not-yet = L'inscription ouvrira le { $opens }.
form-closed = L'inscription est close.

field-required = Ce champ est obligatoire.
field-too-long = Ce champ est trop long : { $max } caractères au plus.
field-control-characters = Ce champ contient des caractères de contrôle invisibles.
field-invalid-email = Cette adresse électronique n'est pas valide (par exemple nom@exemple.org).
field-unknown-category = Choisissez l'une des catégories proposées.
field-unknown-country = Choisissez un pays dans la liste.
field-unknown-language = Choisissez le français ou l'anglais.
field-consent-required = Votre consentement est nécessaire pour vous inscrire.
body-invalid-json = Le corps de la requête n'est pas du JSON de la forme attendue : { $detail }
body-not-json = Envoyez le corps de la requête en JSON, avec Content-Type: application/json.
body-too-large = Le corps de la requête est trop volumineux.
registration-not-open = L'inscription à cet événement ouvrira le { $opens }.
registration-closed = L'inscription à cet événement est close.

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
