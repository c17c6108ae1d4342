import type { Texts } from '../en/sign-in';

/**
 * Spanish (United States), "usted": iniciar sesión y registrarse. Same keys as ../en/sign-in.ts; the type
 * makes a missing or extra one a compile error.
 */
export const texts: Texts = {
  password: {
    show: 'Mostrar',
    hide: 'Ocultar',
    showLabel: 'Mostrar contraseña',
    hideLabel: 'Ocultar contraseña',
    announceShown: 'Su contraseña está visible',
    announceHidden: 'Su contraseña está oculta',
  },
  dateInput: {
    day: 'Día',
    month: 'Mes',
    year: 'Año',
    errors: {
      required: 'Escriba su fecha de nacimiento',
      missing: {
        day: 'La fecha de nacimiento debe incluir el día',
        month: 'La fecha de nacimiento debe incluir el mes',
        year: 'La fecha de nacimiento debe incluir el año',
      },
      real: 'La fecha de nacimiento debe ser una fecha real, por ejemplo 27 3 1985',
      yearDigits: 'El año debe tener 4 números, por ejemplo 1985',
      tooOld: 'Revise el año de su fecha de nacimiento',
      past: 'La fecha de nacimiento debe ser en el pasado',
    },
  },
  signIn: {
    title: 'Iniciar sesión',
    intro:
      'Inicie sesión para ver todas sus facturas, las de las personas por las que usted paga y sus pagos anteriores.',
    email: 'Correo electrónico',
    password: 'Contraseña',
    planType: {
      legend: '¿Qué plan quiere ver? (opcional)',
      hint: 'Solo si tiene los dos tipos de plan con nosotros.',
      individual_family: {
        label: 'Plan individual o familiar',
        hint: 'Un plan que compró usted mismo',
      },
      employer_group: {
        label: 'Plan de grupo del empleador',
        hint: 'Un plan que recibe por su trabajo',
      },
    },
    submit: 'Iniciar sesión',
    signingIn: 'Iniciando sesión…',
    forgot: '¿Olvidó su contraseña?',
    noAccountTitle: '¿Todavía no tiene una cuenta?',
    noAccountBody: 'Puede crear una si es miembro. Necesitará su tarjeta de miembro.',
    register: 'Crear una cuenta',
    guestTitle: '¿Solo quiere pagar una factura?',
    guestBody: 'Puede pagar una factura sin una cuenta. Necesitará la factura.',
    guest: 'Pagar sin iniciar sesión',
    errors: {
      emailRequired: 'Escriba su correo electrónico',
      emailFormat: 'Escriba un correo electrónico con el formato correcto, por ejemplo nombre@ejemplo.com',
      passwordRequired: 'Escriba su contraseña',
      failed:
        'El correo electrónico o la contraseña no son correctos, o la cuenta está bloqueada por un tiempo después de demasiados intentos. Revise los dos e inténtelo de nuevo, o llámenos.',
      notVerified:
        'Primero confirme su correo electrónico. Le acabamos de enviar un enlace nuevo a {{email}}.',
      planType: 'Elija un plan, o déjelo en blanco',
      rateLimited_one: 'Lo ha intentado demasiadas veces. Espere 1 minuto y vuelva a intentarlo, o llámenos.',
      rateLimited_other:
        'Lo ha intentado demasiadas veces. Espere {{count}} minutos y vuelva a intentarlo, o llámenos.',
    },
  },
  forgotPassword: {
    title: '¿Olvidó su contraseña?',
    intro:
      'Escriba el correo electrónico con el que inicia sesión. Le enviaremos un enlace para elegir una contraseña nueva.',
    email: 'Correo electrónico',
    emailHint: 'El correo que dio cuando creó su cuenta',
    submit: 'Enviarme un enlace',
    sending: 'Enviando…',
    sentTitle: 'Revise su correo electrónico',
    sentTo: 'Si hay una cuenta con este correo, le enviamos un enlace a',
    sentNoAddress: 'Si hay una cuenta con el correo que nos dio, le enviamos un enlace.',
    openLink: 'Abra el correo y seleccione el enlace para elegir una contraseña nueva.',
    expires:
      'El enlace funciona durante 1 hora, y solo una vez. Cuando elija una contraseña nueva, cerraremos su sesión en todos los dispositivos.',
    wrongAddress: 'Revise que el correo electrónico sea correcto.',
    tryAgain: 'Escribirlo otra vez',
    call: 'Si aún no recibe el correo, llame al número de servicios para miembros de su región. Confirmaremos su identidad y le ayudaremos a entrar.',
    payTitle: '¿Necesita pagar una factura ahora?',
    payBody: 'Puede pagar sin iniciar sesión. Necesitará la factura.',
    errors: {
      emailRequired: 'Escriba el correo electrónico con el que inicia sesión',
      emailFormat: 'Escriba un correo electrónico con el formato correcto, como nombre@ejemplo.com',
      rateLimited_one: 'Lo ha pedido demasiadas veces. Espere 1 minuto y vuelva a intentarlo, o llámenos.',
      rateLimited_other:
        'Lo ha pedido demasiadas veces. Espere {{count}} minutos y vuelva a intentarlo, o llámenos.',
    },
  },
  resetPassword: {
    title: 'Elija una contraseña nueva',
    intro:
      'Cuando la guarde, cerraremos su sesión en todos los dispositivos. Luego inicie sesión con su contraseña nueva.',
    password: 'Contraseña nueva',
    submit: 'Guardar mi contraseña nueva',
    saving: 'Guardando…',
    doneTitle: 'Su contraseña está cambiada',
    doneBody: 'Inicie sesión con su contraseña nueva.',
    doneOthers:
      'Por su seguridad, cerramos su sesión en todos los dispositivos y le enviamos un correo sobre el cambio.',
    signIn: 'Iniciar sesión',
    invalidTitle: 'Este enlace venció o ya se usó',
    invalidLead: 'Los enlaces para elegir una contraseña nueva funcionan durante 1 hora, y solo una vez.',
    invalidBody: 'Pida un enlace nuevo. Se lo enviaremos enseguida.',
    newLink: 'Pedir un enlace nuevo',
    errors: {
      required: 'Escriba una contraseña nueva',
    },
  },
  twoStep: {
    code: 'Código de su aplicación de autenticación',
    codeHint: 'El código de 6 dígitos que muestra la aplicación ahora, como 123456',
    recoveryCode: 'Código de recuperación',
    recoveryHint:
      'Uno de los códigos de recuperación que guardó cuando activó la verificación en dos pasos, como ABCDE-FGHJK. Cada uno funciona una vez.',
    useRecovery: 'Usar un código de recuperación',
    useCode: 'Usar un código de la aplicación',
    signIn: {
      title: 'Escriba el código de su aplicación de autenticación',
      recoveryTitle: 'Escriba un código de recuperación',
      intro:
        'Su cuenta usa la verificación en dos pasos. Abra la aplicación de autenticación en su teléfono y escriba el código que muestra para esta cuenta.',
      recoveryIntro:
        'Use uno de los códigos de recuperación que guardó o imprimió. Cada código funciona una vez.',
      noPhoneTitle: '¿Perdió su teléfono y sus códigos de recuperación?',
      noPhoneBody:
        'Llame al número de servicios para miembros de su región. Confirmaremos su identidad y le ayudaremos a entrar.',
      timedOutTitle: 'Inicie sesión otra vez',
      timedOutBody:
        'Se acabó el tiempo para iniciar sesión, o un código fue incorrecto demasiadas veces. Por su seguridad, empiece de nuevo con su correo y contraseña.',
      startAgain: 'Iniciar sesión otra vez',
    },
    errors: {
      codeRequired: 'Escriba el código de 6 dígitos de su aplicación de autenticación',
      codeFormat: 'Escriba el código con 6 números, como 123456',
      wrongCode:
        'Ese código no funcionó. Escriba el código más reciente de su aplicación. Los códigos cambian cada 30 segundos',
      recoveryRequired: 'Escriba uno de sus códigos de recuperación',
      recoveryFormat: 'Escriba el código de recuperación tal como está escrito, como ABCDE-FGHJK',
      wrongRecovery:
        'Ese código de recuperación no funcionó. Revíselo o use otro. Cada código funciona una vez',
      rateLimited_one: 'Lo ha intentado demasiadas veces. Espere 1 minuto y vuelva a intentarlo.',
      rateLimited_other: 'Lo ha intentado demasiadas veces. Espere {{count}} minutos y vuelva a intentarlo.',
    },
  },
  register: {
    title: 'Crear una cuenta',
    intro:
      'Con una cuenta puede ver en un solo lugar todas sus facturas y las de las personas por las que usted paga. Necesitará su tarjeta de miembro.',
    haveAccount: '¿Ya tiene una cuenta?',
    signIn: 'Iniciar sesión',
    aboutYou: 'Sobre usted',
    firstName: 'Nombre',
    lastName: 'Apellido',
    nameHint: 'Como aparece en su tarjeta de miembro',
    birthDate: 'Fecha de nacimiento',
    birthDateHint: 'Por ejemplo, 27 3 1985',
    membership: 'Su membresía',
    region: '¿En qué región es usted miembro?',
    regionHint: 'La región aparece en su tarjeta de miembro.',
    mrn: 'Número de expediente médico (MRN)',
    mrnHint: 'Hasta 20 letras y números',
    mrnWhere:
      'Está en el frente de su tarjeta de miembro, con la etiqueta "MRN". Si no tiene su tarjeta, llame a su región y se lo diremos.',
    signInDetails: 'Cómo iniciará sesión',
    email: 'Correo electrónico',
    emailHint: 'Le enviaremos un enlace a este correo para comprobar que es suyo.',
    password: 'Cree una contraseña',
    passwordHint:
      'Al menos {{min}} caracteres. Unas cuantas palabras sin relación entre sí son fáciles de recordar.',
    language: '¿Qué idioma quiere que usemos?',
    languageHint: 'Para los correos y cuando inicie sesión. Puede cambiar el idioma en cualquier página.',
    termsTitle: 'Antes de crear su cuenta',
    terms: {
      match:
        'Usamos su nombre, fecha de nacimiento y número de expediente médico solo para encontrar su registro de miembro.',
      email: 'Le enviaremos correos sobre su cuenta, sus facturas y sus pagos.',
      private: 'No comparta su contraseña. Cualquier persona que la tenga puede ver sus facturas.',
      close: 'Puede cerrar su cuenta en cualquier momento llamándonos.',
    },
    acceptTerms: 'Acepto estas condiciones, y los datos que di son míos',
    submit: 'Crear cuenta',
    creating: 'Creando su cuenta…',
    picture: {
      card: 'Tarjeta de miembro',
      member: 'Miembro',
      mrn: 'MRN',
    },
    errors: {
      firstName: {
        required: 'Escriba su nombre',
        tooLong: 'El nombre debe tener 80 caracteres o menos',
        invalid: 'Escriba su nombre como aparece en su tarjeta de miembro',
      },
      lastName: {
        required: 'Escriba su apellido',
        tooLong: 'El apellido debe tener 80 caracteres o menos',
        invalid: 'Escriba su apellido como aparece en su tarjeta de miembro',
      },
      birthDate: {
        invalid: 'La fecha de nacimiento debe ser una fecha real, por ejemplo 27 3 1985',
      },
      regionId: {
        required: 'Seleccione la región en la que es miembro',
        invalid: 'Seleccione la región en la que es miembro',
      },
      medicalRecordNumber: {
        required: 'Escriba el número de expediente médico (MRN) de su tarjeta de miembro',
        tooLong: 'El número de expediente médico debe tener 20 caracteres o menos',
        invalid: 'Escriba el número de expediente médico (MRN) tal como aparece en su tarjeta de miembro',
      },
      email: {
        required: 'Escriba su correo electrónico',
        invalid: 'Escriba un correo electrónico con el formato correcto, por ejemplo nombre@ejemplo.com',
      },
      password: {
        required: 'Cree una contraseña',
        too_short: 'Su contraseña debe tener al menos {{min}} caracteres',
        too_long: 'Su contraseña debe tener {{max}} caracteres o menos',
        too_common:
          'Esta contraseña es muy común y fácil de adivinar. Pruebe con unas cuantas palabras sin relación entre sí',
        same_as_email: 'Su contraseña no puede ser su correo electrónico',
        invalid: 'Cree una contraseña de al menos {{min}} caracteres',
      },
      language: {
        invalid: 'Elija inglés o español',
      },
      acceptTerms: {
        required: 'Marque la casilla para aceptar las condiciones',
        invalid: 'Marque la casilla para aceptar las condiciones',
      },
      rateLimited_one: 'Lo ha intentado demasiadas veces. Espere 1 minuto y vuelva a intentarlo, o llámenos.',
      rateLimited_other:
        'Lo ha intentado demasiadas veces. Espere {{count}} minutos y vuelva a intentarlo, o llámenos.',
    },
  },
  checkEmail: {
    title: 'Revise su correo electrónico',
    sentTo: 'Si los datos que dio coinciden con nuestros registros de miembros, le enviamos un enlace a',
    sentNoAddress:
      'Si los datos que dio coinciden con nuestros registros de miembros, le enviamos un enlace al correo electrónico que nos dio.',
    openLink:
      'Abra el correo y seleccione el enlace para confirmar su correo electrónico. Después podrá iniciar sesión.',
    expires: 'El enlace funciona durante 24 horas, y solo una vez.',
    nothingTitle: 'Si no recibe un correo',
    spam: 'Revise su carpeta de correo no deseado.',
    wait: 'Espere unos minutos. Los correos pueden tardar en llegar.',
    wrongAddress: 'Revise que el correo electrónico esté bien escrito.',
    changeDetails: 'Cambiar sus datos',
    alreadyRegistered:
      'Si ya tiene una cuenta, no creamos otra: le escribimos al correo de esa cuenta. Inicie sesión con él.',
    call: 'Si aún no recibe el correo, llámenos. Podemos revisar sus datos de miembro.',
    signIn: 'Iniciar sesión',
  },
  verifyEmail: {
    checking: 'Confirmando su correo electrónico',
    doneTitle: 'Su correo electrónico está confirmado',
    doneBody: 'Ya puede usarlo para iniciar sesión.',
    doneNext:
      'Inicie sesión para ver sus facturas y pagos. Si cambió su correo electrónico, desde ahora inicie sesión con el nuevo.',
    signIn: 'Iniciar sesión',
    failedTitle: 'No pudimos confirmar su correo electrónico en este momento',
    failedBody: 'Revise su conexión a internet e inténtelo de nuevo. El enlace sigue funcionando.',
    tryAgain: 'Intentar de nuevo',
    invalidTitle: 'Este enlace venció o ya se usó',
    invalidLead: 'Los enlaces para confirmar su correo funcionan durante 24 horas, y solo una vez.',
    invalidAlready: 'Si ya confirmó su correo electrónico, puede iniciar sesión.',
    invalidNewLink:
      'Si no lo confirmó, inicie sesión de todos modos con su correo y contraseña: le enviaremos un enlace nuevo.',
    invalidChange:
      'Si estaba cambiando su correo electrónico, inicie sesión con el actual y pida un enlace nuevo en la página de su perfil.',
    registerAgain: 'Crear una cuenta otra vez',
  },
  signedOut: {
    title: 'Cerró su sesión',
    body: 'Los datos de su cuenta ya no se muestran en este dispositivo.',
    shared: 'Si usa una computadora compartida, cierre también la ventana del navegador.',
    signIn: 'Iniciar sesión otra vez',
  },
  memberSessionEnded: {
    title: 'Cerramos su sesión',
    body: 'Por su seguridad, cerramos su sesión después de un rato sin actividad.',
    nothingLost: 'Nada cambió en su cuenta. Inicie sesión otra vez para continuar.',
    signIn: 'Iniciar sesión otra vez',
  },
};
