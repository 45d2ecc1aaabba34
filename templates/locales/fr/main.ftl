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
