# La interfaz de guichet, en español. Cada clave de en/main.ftl debe existir también aquí.

site-name = guichet
site-tagline = Inscripción en eventos y registro de llegada
skip-to-content = Ir al contenido
language-switcher = Idioma
footer-text = Inscripción y registro de llegada con guichet.

index-title = Eventos
index-heading = Eventos abiertos en guichet
index-empty = No hay ningún evento publicado en este momento.
index-dates = del { $first } al { $last }
index-one-day = { $date }
index-open = Ver el evento y su programa

event-organiser = Organizado por
event-overview = Descripción general
event-objectives = Objetivos
event-practical = Información práctica
event-dates = Fechas
event-venue = Lugar
event-time-zone = Todos los horarios se indican en hora local ({ $zone }).
event-desk = El mostrador de registro abre el { $date } a las { $time }. Le rogamos que traiga el código QR de su entrada.
event-desk-day = Día { $number }: el mostrador abre a las { $time }.
event-registration-open = La inscripción en línea está abierta hasta el { $closes }.
event-registration-not-yet = La inscripción en línea se abrirá el { $opens }.
event-registration-closed = La inscripción en línea está cerrada.
event-seats = { $seats } plazas.
event-content-language = Los textos del evento están en { $language }.

agenda-heading = Programa
agenda-day = Día { $number } — { $date }
agenda-moderator = Moderación:
agenda-speaker = Ponente:
agenda-speakers = Ponentes
agenda-time = { $start } – { $end }

kind-registration = Registro
kind-opening = Apertura
kind-session = Sesión
kind-break = Pausa
kind-closing = Clausura
kind-other = Otro

language-fr = francés
language-en = inglés
language-es = español

error-not-found-title = Página no encontrada
error-not-found-body = No hay ninguna página en esta dirección. Es posible que el enlace esté mal escrito o que el evento ya no esté publicado.
error-internal-title = Se ha producido un error
error-internal-body = guichet no pudo completar su solicitud. Vuelva a intentarlo en unos instantes; si el problema persiste, informe al equipo organizador.
error-unavailable-title = Servicio no disponible temporalmente
error-unavailable-body = guichet no puede acceder a su base de datos en este momento. Vuelva a intentarlo en unos instantes.
error-bad-request-title = Solicitud no comprendida
error-bad-request-body = No se pudo leer la solicitud. Compruebe la dirección y vuelva a intentarlo.
error-back-home = Ver todos los eventos

email-subject-confirmation = Su entrada: { $event }
email-subject-promoted = Se le ha asignado una plaza: { $event }
email-subject-waitlisted = En lista de espera: { $event }
email-subject-cancelled = Inscripción cancelada: { $event }
email-greeting = Estimado/a { $name }:
email-intro-confirmation = Su inscripción en «{ $event }» está confirmada. Aquí tiene su entrada.
email-intro-promoted = Buenas noticias: se ha liberado una plaza para «{ $event }» y se le ha asignado. Aquí tiene su entrada.
email-intro-waitlisted = Gracias por inscribirse en «{ $event }». Por el momento todas las plazas están ocupadas, por lo que usted figura en la lista de espera. Cuando se libera una plaza, se asigna a la primera persona de la lista, a quien enviamos su entrada por correo electrónico.
email-intro-cancelled = Su inscripción en «{ $event }» ha sido cancelada. Si se trata de un error, puede volver a inscribirse en la página del evento.
email-ticket-qr = Muestre este código QR en el mostrador de registro.
email-ticket-code = Código de la entrada: { $token }
email-qr-alt = Código QR de su entrada
email-dates = Fechas: { $dates }
email-desk = El mostrador de registro abre el { $date } a las { $time } — { $venue }.
email-ticket-link = Su entrada, el archivo de calendario y la opción de cancelar:
email-ticket-button = Abrir mi entrada
email-event-link = Página del evento
email-attachments = El código QR y un archivo de calendario se adjuntan a este correo electrónico.
email-your-details = Su inscripción:
email-signature = El equipo organizador
email-footer = Recibe este correo electrónico porque esta dirección se utilizó para inscribirse en «{ $event }».

form-heading = Inscripción
form-intro = Los campos marcados con * son obligatorios. Su entrada se enviará a la dirección de correo electrónico que indique.
form-given-name = Nombre *
form-family-name = Apellidos *
form-email = Correo electrónico *
form-organisation = Organización *
form-function = Cargo
form-category = Categoría *
form-country = País *
form-language = Idioma de sus correos electrónicos *
form-needs = Necesidades de accesibilidad o alimentarias
form-consent = Acepto que el equipo organizador trate estos datos para gestionar mi inscripción y mi acceso. *
form-choose = Seleccione…
form-submit = Inscribirse
form-has-errors = Corrija los campos señalados a continuación.
form-honeypot = Deje este campo vacío
form-closed-not-yet = La inscripción se abrirá el { $opens }.
form-closed = La inscripción está cerrada.

field-required = Este campo es obligatorio.
field-too-long = Este campo es demasiado largo: { $max } caracteres como máximo.
field-control-characters = Este campo contiene caracteres de control invisibles.
field-invisible-characters = Este campo contiene caracteres invisibles (marcas de dirección del texto o espacios de ancho cero): vuelva a escribirlo sin ellos.
field-invalid-email = Esta no es una dirección de correo electrónico válida (por ejemplo, nombre@example.org).
field-unknown-category = Elija una de las categorías de la lista.
field-unknown-country = Elija un país de la lista.
field-unknown-language = Elija francés, inglés o español.
field-consent-required = Se necesita su consentimiento para inscribirse.
field-unknown-question = Este evento no formula esa pregunta.
field-unknown-option = Elija una de las opciones propuestas.
field-invalid-date = Indique una fecha como 2008-07-06.
field-invalid-number = Indique un número.
field-wrong-type = Esta respuesta no es del tipo que pide la pregunta.
answer-yes = Sí
answer-no = No
question-only-for = Solo para: { $categories }
form-questions = Algunas preguntas más
# La corrección de las respuestas de un participante por un organizador (página del participante),
# registrada en el historial; y los recuentos por opción del panel.
participant-answers = Respuestas a las preguntas
participant-answers-help = Corrija aquí las respuestas del participante. Las preguntas que debía responder pueden quedar vacías. Cada cambio se anota en el historial de abajo.
participant-answers-save = Guardar las respuestas
participant-answers-legend = Preguntas hechas en la inscripción
history-audit-answers_edited = Respuestas corregidas
history-details-answers = preguntas: { $detail }
dashboard-by-option = Respuestas a las preguntas
dashboard-by-option-help = Inscripciones no canceladas. En una elección múltiple cuenta cada opción marcada.
dashboard-option = Respuesta
dashboard-option-count = Inscripciones
body-invalid-json = El cuerpo de la solicitud no es JSON válido con la estructura esperada: { $detail }
query-invalid = La cadena de consulta de la dirección no es válida: { $detail }
body-not-json = Envíe el cuerpo de la solicitud en JSON, con Content-Type: application/json.
body-too-large = El cuerpo de la solicitud es demasiado grande.
registration-not-open = La inscripción en este evento se abrirá el { $opens }.
registration-closed = La inscripción en este evento está cerrada.
registration-too-many = Se acaban de enviar demasiadas inscripciones desde su red. Vuelva a intentarlo dentro de { $seconds ->
    [one] un segundo
   *[other] { $seconds } segundos
}.

registered-title = Revise su bandeja de entrada
registered-body = Gracias. Hemos enviado un correo electrónico a la dirección que indicó, con su entrada o, si todas las plazas están ocupadas, con su lugar en la lista de espera. Si no recibe nada en unos minutos, revise la carpeta de correo no deseado o vuelva a inscribirse con la misma dirección para recibirlo de nuevo.
registered-back = Volver al evento

ticket-title = Su entrada
ticket-show-qr = Muestre este código QR en el mostrador de registro.
ticket-code = Código de la entrada
ticket-participant = Participante
ticket-organisation = Organización
ticket-category = Categoría
ticket-country = País
ticket-event = Evento
ticket-dates = Fechas
ticket-venue = Lugar
ticket-desk = El mostrador de registro abre el { $date } a las { $time }.
ticket-calendar = Añadir a mi calendario (.ics)
ticket-resend = Reenviar mi entrada
ticket-resent = Su entrada se ha reenviado a su dirección de correo electrónico.
ticket-cancel = Cancelar mi inscripción
ticket-waitlisted = Usted figura en la lista de espera. Si se libera una plaza, se le asignará cuando llegue su turno y le enviaremos su entrada por correo electrónico.
ticket-cancelled = Esta inscripción está cancelada. Esta entrada ya no da acceso.
ticket-revoked = Esta entrada ha sido sustituida por otra más reciente y ya no da acceso. Utilice la entrada de su correo electrónico más reciente.
ticket-register-again = Volver a inscribirse
cancel-title = ¿Desea cancelar su inscripción?
cancel-body = Su plaza pasará a la siguiente persona de la lista de espera. Podrá volver a inscribirse más adelante si quedan plazas.
cancel-confirm = Sí, cancelar mi inscripción
cancel-keep = No, mantener mi inscripción

error-unauthorized-title = Inicie sesión
error-unauthorized-body = Esta página está reservada al personal del evento. Inicie sesión para continuar.
error-forbidden-title = Acceso no permitido
error-forbidden-body = Su cuenta no permite abrir esta página. Si necesita acceder a ella, pídalo al equipo organizador.
error-csrf-title = Página caducada
error-csrf-body = No se pudo verificar que esta solicitud procediera de una página de guichet (puede que la página haya caducado o que la solicitud proceda de otro sitio). Vuelva a cargar la página e inténtelo de nuevo.
csrf-rejected = Solicitud rechazada: no incluye el token de esta sesión o procede de otro sitio. Vuelva a cargar la página e inténtelo de nuevo.
login-form-expired = El formulario de inicio de sesión había caducado. Vuelva a introducir su contraseña.
login-failed = Correo electrónico o contraseña incorrectos.
login-throttled = Demasiados intentos fallidos desde su red. Vuelva a intentarlo dentro de { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
}, o pida al equipo organizador que verifique su cuenta.
login-busy = Se están verificando demasiados inicios de sesión en este momento. Vuelva a intentarlo en unos instantes.
login-title = Inicio de sesión del personal
login-email = Correo electrónico
login-password = Contraseña
login-code-help = Introduzca el código de 6 dígitos de su aplicación de autenticación o uno de sus códigos de recuperación.
login-code = Código
login-code-wrong = Este código es incorrecto o ya se ha utilizado. Introduzca el código que muestra ahora su aplicación.
login-code-expired = Su inicio de sesión ha caducado. Vuelva a introducir su correo electrónico y su contraseña.
login-code-needed = Esta cuenta inicia sesión con un segundo factor: envíe el código de la aplicación de autenticación en otp.
error-second-factor-title = Se requiere inicio de sesión con dos factores
error-second-factor-body = Quienes organizan este evento deben iniciar sesión con un segundo factor. Configúrelo en la página de su cuenta (/staff/account) y vuelva después.
login-submit = Iniciar sesión
logout = Cerrar sesión
outcome-ok = Registrado
outcome-already = Ya registrado hoy a las { $time } por { $by }
outcome-too-early = Demasiado pronto: el mostrador abre el { $date } a las { $time }
outcome-closed = El mostrador está cerrado
outcome-cancelled = Inscripción cancelada: sin acceso
outcome-not-confirmed = En lista de espera: sin plaza confirmada
outcome-unknown = Entrada desconocida: no es una entrada de este evento
checkin-needs-token = Envíe el token de una entrada o un identificador de inscripción.
decode-nothing = No hay ningún código QR legible en esta imagen.
decode-not-an-image = Esta no es una imagen PNG ni JPEG.
decode-too-large = Esta imagen es demasiado grande: { $max } píxeles por lado y { $number } megapíxeles como máximo.
decode-busy = Demasiadas imágenes de la cámara a la vez: se leerá la siguiente.
desk-title = Mostrador
desk-signed-in-as = Sesión iniciada como { $email }
desk-rehearsal = Reloj de ensayo: para guichet son las { $time } — no es la hora real.
desk-open = El mostrador está abierto (jornada del { $date }).
desk-not-yet = El mostrador abre el { $date } a las { $time }.
desk-closed = El mostrador está cerrado.
desk-scan-label = Escanee o escriba un código de entrada y pulse Intro
desk-scan-placeholder = Código de la entrada
desk-camera-start = Usar la cámara
desk-camera-stop = Detener la cámara
desk-camera-unavailable = La cámara no está disponible en esta página (requiere HTTPS y autorización).
desk-ready = Listo para el siguiente escaneo.
desk-working = Verificando…
desk-offline = Sin respuesta de guichet: compruebe la red y vuelva a escanear.
desk-recent = Últimos escaneos
desk-undo = Deshacer
desk-undone = Registro de llegada anulado.
desk-search-label = Buscar un nombre, correo electrónico u organización
desk-search-none = Ninguna inscripción coincide.
desk-check-in = Registrar llegada
desk-checked-in-at = llegada a las { $time }
desk-walk-in = Inscribir a una persona in situ
desk-walk-in-submit = Inscribir y registrar llegada
desk-events = Mostradores
report-given-name = Nombre
report-family-name = Apellidos
report-email = Correo electrónico
report-organisation = Organización
report-function = Cargo
report-category = Categoría
report-country = País
report-status = Estado
report-registered-at = Fecha de inscripción
report-day-checkin = { $date }: primer registro de llegada
report-day-desk = { $date }: mostrador
report-sheet-participants = Participantes
report-sheet-summary = Resumen
report-summary-day = Día
report-summary-present = Presentes
report-summary-no-shows = Ausencias (confirmadas, sin presentarse)
report-summary-total = Total
report-summary-registered = Inscripciones
report-summary-confirmed = Confirmadas
report-summary-waitlisted = En lista de espera
report-summary-cancelled = Canceladas
report-bad-filter = Valor de filtro desconocido: { $detail }
status-confirmed = Confirmada
status-waitlisted = En lista de espera
status-cancelled = Cancelada
dashboard-title = Panel
dashboard-live = Se actualiza en directo con cada escaneo en los mostradores.
dashboard-registered = Inscripciones
dashboard-confirmed = Confirmadas
dashboard-waitlisted = En lista de espera
dashboard-cancelled = Canceladas
dashboard-seats = { $seats } plazas
dashboard-day = Día { $number } — { $date }
dashboard-checked-in = Llegadas registradas
dashboard-no-shows = Aún no han llegado
dashboard-arrivals = Llegadas por intervalos de 5 minutos
dashboard-by-category = Por categoría
dashboard-by-country = Por país
dashboard-emails = Correos electrónicos
dashboard-emails-pending = Pendientes de envío
dashboard-emails-sent = Enviados
dashboard-emails-failed = Fallidos
dashboard-retry = Reenviar
dashboard-reports = Informes de asistencia
dashboard-csv = Descargar CSV
dashboard-xlsx = Descargar XLSX
import-other-slug = Este archivo describe otro evento ({ $detail }): su identificador (slug) debe seguir siendo el mismo.
import-drops-answers = Hay participantes que respondieron a preguntas que este archivo elimina o cuyo tipo cambia: { $detail }. No se importó nada. Mantenga esas preguntas como están, o reemplácelas en la línea de comandos con guichet event import --force.
import-title = Sustituir el evento a partir de su archivo
import-help = Pegue el archivo del evento (tal como lo exporta guichet event export). Se sustituyen el programa, los textos y la configuración; las inscripciones se mantienen.
import-submit = Sustituir
import-failed = El archivo no se importó; no se ha modificado nada.
publish = Publicar
unpublish = Retirar la publicación
published-yes = Publicado: la página del evento es pública.
published-no = No publicado: la página del evento está oculta.
registrations-title = Inscripciones
registrations-search = Buscar
registrations-any = Cualquiera
registrations-present-on = Presente el
registrations-absent-on = Ausente el
registrations-filter = Filtrar
registrations-next = Página siguiente
registrations-none = Ninguna inscripción coincide.
participant-history = Historial
participant-actions = Acciones
participant-resend = Reenviar la entrada
participant-reissue = Revocar la entrada y emitir una nueva
participant-cancel = Cancelar la inscripción
participant-undo = Anular el último registro de llegada
participant-needs = Necesidades
audit-title = Registro de auditoría
history-registered = Inscripción
history-email = Correo «{ $name }»: { $detail }
history-email-confirmation = entrada
history-email-waitlisted = en lista de espera
history-email-promoted = plaza liberada, entrada
history-email-cancelled = cancelación
history-email-status-pending = pendiente de envío
history-email-status-sending = en proceso de envío
history-email-status-sent = enviado
history-email-status-failed = fallido
history-scan = Mostrador: { $detail }
history-scan-ok = llegada registrada
history-scan-already_checked_in = llegada ya registrada ese día
history-scan-too_early = demasiado pronto
history-scan-closed = mostrador cerrado
history-scan-cancelled = inscripción cancelada
history-scan-not_confirmed = en lista de espera
history-scan-unknown = entrada desconocida
history-scan-undone = registro de llegada anulado
history-audit-ticket_resent = Entrada reenviada
history-audit-ticket_reissued = Entrada revocada y emitida de nuevo
history-audit-registration_cancelled = Inscripción cancelada
history-audit-checkin_undone = Registro de llegada anulado
history-audit-email_retried = Correo fallido reenviado
history-audit-published = Evento publicado
history-audit-unpublished = Evento ocultado
history-audit-agenda_replaced = Evento sustituido a partir de su archivo
history-details-version = versión { $number } de la entrada
history-details-promoted = la plaza liberada se asignó a la inscripción { $number }
history-details-agenda = { $number ->
    [one] { $number } día
   *[other] { $number } días
}, { $detail ->
    [one] { $detail } elemento
   *[other] { $detail } elementos
}

# La página de inicio del personal: sus eventos
staff-home-title = Sus eventos
staff-home-heading = Sus eventos
staff-home-signed-in = Sesión iniciada como { $email }
staff-home-admin = con derechos de administración en este guichet
staff-home-unpublished = no publicado
staff-home-desk = Mostrador
staff-home-dashboard = Panel
staff-home-empty = Todavía no forma parte del equipo de ningún evento. Pida al equipo organizador del evento que le añada.

# La página de la cuenta (issue 12)
account-title = Su cuenta
account-totp-heading = Inicio de sesión con dos factores
account-totp-is-on = Activado: al iniciar sesión se le pide un código de su aplicación de autenticación. Códigos de recuperación restantes: { $left }.
account-totp-is-off = Desactivado. Si lo activa, al iniciar sesión también se le pedirá un código de 6 dígitos de una aplicación de autenticación en su teléfono.
account-totp-start = Configurar el inicio de sesión con dos factores
account-totp-again = Volver a configurarlo (nueva aplicación o nuevo teléfono)
account-totp-scan = Escanee este código con su aplicación de autenticación y, a continuación, introduzca el código que esta muestre para confirmar.
account-totp-qr-alt = Código QR para añadir guichet a su aplicación de autenticación
account-totp-by-hand = O introduzca esta clave en la aplicación:
account-totp-confirm = Confirmar
account-totp-wrong = Este código no coincide. Introduzca el código que muestra ahora su aplicación.
account-totp-on = El inicio de sesión con dos factores está activado.
account-recovery-intro = Sus códigos de recuperación, que se muestran solo esta vez: guárdelos en un lugar seguro. Cada uno le permite iniciar sesión una vez si pierde su teléfono.
account-password-heading = Contraseña
account-password-intro = Al establecer una nueva contraseña, se cierran todas sus demás sesiones.
account-password-current = Contraseña actual
account-password-new = Nueva contraseña
account-password-submit = Cambiar la contraseña
account-password-wrong = La contraseña actual es incorrecta.
account-password-length = La nueva contraseña debe tener entre { $min } y { $max } caracteres.
account-password-changed = Su contraseña se ha cambiado. Sus demás sesiones se han cerrado.
staff-home-account = Su cuenta

# La página del equipo y el historial de accesos (issue 12)
team-title = Equipo
team-members = Miembros
team-role = Rol
team-role-organiser = organizador/a
team-role-desk = mostrador
team-role-unknown = Elija organizador/a o mostrador.
team-sessions = Sesiones
team-actions = Acciones
team-change-role = Cambiar
team-remove = Retirar del equipo
team-revoke-one = Cerrar la sesión
team-revoke-all = Cerrar todas las sesiones
team-session-device = dispositivo
team-session-browser = navegador
team-session-last-used = último uso el { $at }
team-no-sessions = sin sesión iniciada
team-second-factor-on = con dos factores
team-disabled = cuenta desactivada
team-empty = Todavía nadie tiene un rol en este evento.
team-totp-required = Quienes organizan este evento deben iniciar sesión con un segundo factor.
team-totp-optional = Quienes organizan este evento pueden iniciar sesión sin segundo factor.
team-totp-require = Exigir un segundo factor a quienes organizan
team-totp-make-optional = Dejar de exigirlo
team-history = Historial de accesos
team-dashboard-link = Equipo
access-by-command-line = línea de comandos
access-granted = { $email } pasó a tener el rol de { $role }
access-grant-removed = { $email } dejó de formar parte del equipo
access-admin-named = { $email } obtuvo derechos de administración
access-invited = { $email } recibió una invitación con el rol de { $role }
access-invitation-accepted = { $email } aceptó la invitación
access-totp-enrolled = { $email } configuró el inicio de sesión con dos factores
access-totp-required = ahora se exige un segundo factor a quienes organizan
access-totp-optional = ya no se exige un segundo factor a quienes organizan
access-disabled = se desactivó la cuenta { $email }
access-enabled = se activó la cuenta { $email }
access-session-revoked = se cerró una sesión de { $email }
access-sessions-revoked = se cerraron todas las sesiones de { $email }
access-password-changed = { $email } cambió su contraseña
admin-title = Administración
admin-history = Cambios de acceso en toda la instancia
admin-history-empty = Nada por ahora.
staff-home-admin-page = Administración

# Invitaciones (issue 12)
email-subject-invitation = Invitación a unirse al equipo de { $event }
email-invitation-greeting = Hola:
email-invitation-intro = Se le invita a unirse al equipo de «{ $event }» en guichet, con el rol de { $role }.
email-invitation-link = Elija su contraseña mediante este enlace (sirve una sola vez, hasta el { $expires }):
email-invitation-button = Elegir mi contraseña
email-invitation-ignore = Si no esperaba esta invitación, ignore este correo electrónico: no ocurrirá nada sin el enlace.
invitation-title = Unirse al equipo
invitation-intro = Se le invita al equipo de «{ $event }» con el rol de { $role }. Elija una contraseña para { $email }.
invitation-password = Contraseña (10 caracteres como mínimo)
invitation-submit = Crear mi cuenta
invitation-invalid-title = Esta invitación no se puede utilizar
invitation-invalid-body = El enlace no es válido, ya se ha utilizado o tiene más de 48 horas. Pida al equipo organizador del evento que le invite de nuevo.
invitation-existing = Ya tiene una cuenta: inicie sesión con su contraseña. Su rol en «{ $event }» es ahora { $role }.
invitation-done = Su cuenta está lista. Inicie sesión con su correo electrónico y su nueva contraseña.
team-invite = Invitar
team-invite-heading = Invitar a una persona
team-invite-help = La persona recibe un correo electrónico con un enlace para elegir una contraseña (válido 48 horas, una sola vez). Si ya tiene una cuenta, recibe el rol de inmediato.
team-invite-email-invalid = Introduzca una dirección de correo electrónico.
team-invitations = Invitaciones pendientes
team-invitation-line = { $email } con el rol de { $role }, hasta el { $expires }
team-invitation-queued = correo en cola
team-invitation-sent = correo enviado
team-invitation-failed = envío fallido
account-totp-current-code = Introduzca un código de su segundo factor actual (o un código de recuperación) para sustituirlo.
account-totp-current-code-label = Código de su aplicación actual

# Inscripción sujeta a aprobación
email-subject-request_received = Solicitud recibida: { $event }
email-subject-declined = Su solicitud: { $event }
email-intro-request_received = Gracias por su solicitud de inscripción en «{ $event }». La inscripción en este evento está sujeta a aprobación: los organizadores examinarán su solicitud y le responderán por correo electrónico. Si es aceptada, ese correo incluirá su entrada.
email-intro-declined = Gracias por su interés en «{ $event }». Lamentamos que los organizadores no puedan aceptar su solicitud de inscripción.
email-note = El mensaje de los organizadores:
ticket-pending = Su solicitud ha sido recibida. Los organizadores la examinarán y le responderán por correo electrónico; si es aceptada, recibirá su entrada.
ticket-declined = Su solicitud de inscripción no fue aceptada. Esta página no da acceso.
status-pending = Solicitud pendiente
status-declined = Rechazada
history-email-request_received = solicitud recibida
history-email-declined = solicitud rechazada
history-audit-registration_approved = Solicitud aceptada
history-audit-registration_declined = Solicitud rechazada
form-by-approval = La inscripción en este evento está sujeta a aprobación: su inscripción es una solicitud, a la que los organizadores responderán por correo electrónico.
registered-body-request = Gracias. Su solicitud ha sido recibida y hemos enviado un correo de confirmación a la dirección indicada. Los organizadores la examinarán y le responderán por correo electrónico; si es aceptada, recibirá su entrada.
participant-decision = Solicitud
participant-approve = Aceptar
participant-decline = Rechazar
decline-message = Mensaje para el participante (opcional, se añade al correo)
decision-not-pending = Esta inscripción no es una solicitud pendiente de decisión: su estado es «{ $detail }».
dashboard-pending = Solicitudes por decidir
dashboard-declined = Rechazadas
report-summary-pending = Solicitudes pendientes
report-summary-declined = Rechazadas
registrations-matching = { $number ->
    [one] Una inscripción coincide.
   *[other] { $number } inscripciones coinciden.
}
bulk-label = Con todas las inscripciones de este filtro:
bulk-continue = Continuar…
bulk-action-approve = aceptar
bulk-action-decline = rechazar
bulk-action-cancel = cancelar
bulk-action-resend = reenviar su correo
bulk-title-approve = Aceptar solicitudes
bulk-title-decline = Rechazar solicitudes
bulk-title-cancel = Cancelar inscripciones
bulk-title-resend = Reenviar correos
bulk-confirm-approve = { $number ->
    [0] Ninguna inscripción de este filtro que aceptar.
    [one] ¿Aceptar la inscripción de este filtro? Solo se aceptan las solicitudes pendientes; cada una toma una plaza libre, o un lugar en la lista de espera.
   *[other] ¿Aceptar las { $number } inscripciones de este filtro? Solo se aceptan las solicitudes pendientes; cada una toma una plaza libre, o un lugar en la lista de espera.
}
bulk-confirm-decline = { $number ->
    [0] Ninguna inscripción de este filtro que rechazar.
    [one] ¿Rechazar la inscripción de este filtro? Solo se rechazan las solicitudes pendientes; el participante recibe un correo.
   *[other] ¿Rechazar las { $number } inscripciones de este filtro? Solo se rechazan las solicitudes pendientes; cada participante recibe un correo.
}
bulk-confirm-cancel = { $number ->
    [0] Ninguna inscripción de este filtro que cancelar.
    [one] ¿Cancelar la inscripción de este filtro? El participante recibe un correo, y una plaza liberada pasa a la lista de espera.
   *[other] ¿Cancelar las { $number } inscripciones de este filtro? Cada participante recibe un correo, y las plazas liberadas pasan a la lista de espera.
}
bulk-confirm-resend = { $number ->
    [0] Ninguna inscripción de este filtro a la que escribir.
    [one] ¿Reenviar su correo a la inscripción de este filtro (su entrada, o en qué punto está)?
   *[other] ¿Reenviar su correo a las { $number } inscripciones de este filtro (a cada una su entrada, o en qué punto está)?
}
bulk-do-approve = { $number ->
    [one] Aceptar 1 inscripción
   *[other] Aceptar { $number } inscripciones
}
bulk-do-decline = { $number ->
    [one] Rechazar 1 inscripción
   *[other] Rechazar { $number } inscripciones
}
bulk-do-cancel = { $number ->
    [one] Cancelar 1 inscripción
   *[other] Cancelar { $number } inscripciones
}
bulk-do-resend = { $number ->
    [one] Reenviar 1 correo
   *[other] Reenviar { $number } correos
}
bulk-back = Volver a la lista sin hacer nada
bulk-done = Hecho: { $number } modificadas, { $detail } sin cambios (ya decididas, canceladas o no afectadas).
bulk-unknown-action = Elija una de las acciones de la lista.

# Offline desk (server)
batch-too-many = Como máximo { $max } escaneos a la vez: envíe el resto en otro lote.
batch-item-not-recorded = Este escaneo no se pudo leer y no se registró.
batch-scan-in-the-future = La hora del escaneo va más de 5 minutos por delante del reloj de guichet: compruebe el reloj del dispositivo.
dashboard-conflicts-title = Admitidos dos veces sin conexión
dashboard-conflicts-intro = Dos puestos dejaron entrar la misma entrada el mismo día mientras uno de ellos estaba sin conexión: alguien pudo entrar dos veces. Vale el escaneo más temprano.
dashboard-conflicts-kept = Vale
dashboard-conflicts-other = También admitido
dashboard-conflicts-name = Participante
dashboard-conflicts-day = Día
history-details-conflict = admitido dos veces: vea el panel
history-details-desk = puesto { $detail }
history-details-offline = escaneado sin conexión, recibido a las { $time }

# Offline desk (page)
desk-manifest-name = Mostrador guichet
desk-manifest-description = Escanear las entradas en la puerta, con o sin red.
desk-offline-tag = Sin conexión
desk-offline-tag-detail = decidido en este dispositivo; se envía a guichet cuando vuelva la red
desk-offline-already-today = Ya registrado hoy
desk-offline-no-list = Sin conexión, y este dispositivo aún no tiene la lista de participantes: este escaneo no se puede decidir. Compruebe la entrada a ojo y escanéela de nuevo cuando vuelva la red.
desk-offline-no-crypto = Los escaneos sin conexión necesitan el mostrador abierto por HTTPS: este escaneo no se puede decidir. Escanéelo de nuevo cuando vuelva la red.
desk-print-badge = Imprimir la credencial
desk-offline-walk-in-queued = Inscripción en el mostrador guardada en este dispositivo: { $name } quedará inscrito y registrado cuando vuelva la red.
desk-offline-in-today = ya entró hoy
desk-search-offline = Búsqueda en este dispositivo (sin conexión): solo nombres y organizaciones.
desk-waiting-heading = Pendientes de envío
desk-waiting-tag = pendiente
desk-sync-heading = Red y sincronización
desk-sync-online = En línea
desk-sync-offline = Sin conexión: los escaneos se deciden en este dispositivo y se envían después
desk-sync-sending = Enviando los escaneos hechos sin conexión…
desk-sync-waiting = Pendientes de envío: { $number }
desk-sync-last = Última sincronización: { $time }
desk-sync-never = Aún sin sincronizar
desk-sync-list-age = Lista de participantes: { $detail }
desk-sync-ready-offline = Este mostrador puede seguir trabajando sin conexión.
desk-sync-no-list = Este dispositivo aún no tiene la lista de participantes: los escaneos sin conexión no se pueden decidir hasta una primera sincronización.
desk-sync-list-old = La lista de participantes tiene más de 10 minutos: las cancelaciones y entradas nuevas desde entonces no están en ella.
desk-sync-clock-off = El reloj de este dispositivo difiere en más de 2 minutos del de guichet (para guichet son las { $time }): los escaneos sin conexión usan la hora de guichet, pero compruebe la fecha y la hora del dispositivo.
desk-sync-failed = Los escaneos pendientes aún no se han podido enviar: se volverá a intentar en breve.
desk-signed-out-here = Este navegador ha cerrado la sesión: la lista de participantes ya no se guarda en este dispositivo. Vuelva a iniciar sesión para usar el mostrador.
desk-sync-signed-out = guichet pide iniciar sesión de nuevo antes de aceptar los escaneos pendientes: inicie sesión (se quedan en este dispositivo) y vuelva a este mostrador.
desk-sync-report-heading = Escaneos enviados al volver la red
desk-sync-changed = { $time } { $name }: guichet dice «{ $detail }» (este dispositivo dijo «{ $first }»).
desk-sync-conflict = { $time } { $name }: admitido por dos puestos sin conexión, quizá alguien entró dos veces. guichet dice «{ $detail }».
desk-sync-error = { $time } { $token }: no registrado, { $detail }
desk-sync-walk-in-done = Inscripción en el mostrador de { $name } hecha: { $detail }
desk-sync-walk-in-error = La inscripción en el mostrador de { $name } no se pudo hacer: { $detail } Lo escrito ha vuelto al formulario.
desk-conflicts-heading = Admitido dos veces sin conexión
desk-conflict-line = { $name }, { $date }
desk-conflict-kept = admitido en { $detail } a las { $time } ({ $by }): vale este escaneo;
desk-conflict-other = admitido de nuevo en { $detail } a las { $time } ({ $by }).
desk-conflict-advice = Compruebe si entraron dos personas con una sola entrada.
desk-name-label = Nombre del puesto
desk-name-hint = Se envía con cada escaneo, por ejemplo «Entrada A»; si se deja vacío, se muestra su correo.
desk-signout-waiting = Escaneos pendientes de envío: { $number }. Cerrar la sesión los perdería: recupere la red, deje que se envíen y luego cierre la sesión.

# Attendance by the agenda
checkin-bad-door = Indique el punto del programa por su identificador (el del programa), y la dirección como in u out.
dashboard-items-title = Asistencia por sesión
dashboard-items-count = { $number ->
    [one] 1 presente
   *[other] { $number } presentes
}
report-session-item = Sesión
report-session-day = Día
report-session-in = Entrada
report-session-out = Salida
report-session-minutes = Minutos
report-sheet-sessions = Sesiones
report-sessions-total = Presentes
verification-title = Certificado de asistencia
verification-confirmed = Este certificado es auténtico: guichet lo expidió, y la asistencia que figura abajo es la registrada en el evento.
verification-event = Evento
verification-days = Días de asistencia
verification-sessions = Sesiones a las que asistió
verification-minutes = { $number ->
    [one] 1 minuto
   *[other] { $number } minutos
}
desk-door-label = Puerta
desk-door-entrance = Entrada (asistencia del día)
desk-direction-label = Sentido
desk-direction-in = Entrada
desk-direction-out = Salida
desk-door-offline = Sin respuesta de guichet: la puerta de una sesión necesita la red (la entrada funciona sin conexión). Escanee de nuevo cuando vuelva la red.
certificate-certifies = Se certifica que
certificate-attended = asistió a
certificate-verify = Verificar este certificado:
ticket-certificate = Mi certificado de asistencia (PDF)
batch-scan-too-old = La hora del escaneo es de hace más de 7 días: compruebe el reloj del dispositivo.
certificates-title = Certificados de asistencia
certificates-help = El evento ha terminado: cada participante registrado al menos una vez tiene un certificado que nombra los días y las sesiones a las que asistió, con un enlace que lo verifica. El envío manda a cada uno el suyo (en su idioma), una sola vez: los ya enviados no se envían de nuevo.
certificates-send = Enviar a cada participante su certificado
certificates-zip = Descargar todos los certificados (ZIP)
certificates-not-yet = Los certificados existen una vez terminado el evento.
email-subject-certificate = Su certificado de asistencia: { $event }
email-intro-certificate = Gracias por participar en «{ $event }». Su certificado de asistencia va adjunto a este correo; su enlace permite a cualquiera comprobar que es auténtico.
history-email-certificate = certificado de asistencia
history-audit-certificates_sent = Certificados de asistencia enviados
history-details-certificates = { $number ->
    [one] 1 certificado
   *[other] { $number } certificados
}
registrations-badges = Credenciales de este filtro (PDF, ocho por hoja A4; las inscripciones confirmadas, salvo que se elija un estado)
registrations-badges-a6 = una credencial por página A6
